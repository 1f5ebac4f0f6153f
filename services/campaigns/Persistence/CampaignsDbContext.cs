using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Platform.Campaigns.Persistence;

/// <summary>
/// Owns the schema through its migrations (hand-written SQL: the views, check constraints and triggers are the point of
/// them). Reads and writes go through Npgsql with set-based SQL (the stores beside it).
/// </summary>
internal sealed class CampaignsDbContext(DbContextOptions<CampaignsDbContext> options) : DbContext(options)
{
    /// <summary>The service's kebab-case name, which is also its schema.</summary>
    public const string Schema = "campaigns";

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        // The model is empty on purpose (no entity is mapped): the migrations are SQL.
        optionsBuilder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema(Schema);
}
