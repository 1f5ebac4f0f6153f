using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Platform.Gateway.Keys;

/// <summary>
/// Owns the gateway's schema (operator keys) through hand-written SQL migrations; the store beside it reads and writes
/// with Npgsql.
/// </summary>
internal sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
    public const string Schema = "gateway";

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        // The model is empty on purpose (no entity is mapped): the migrations are SQL.
        optionsBuilder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema(Schema);
}
