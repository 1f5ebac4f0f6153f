using Microsoft.EntityFrameworkCore;
using Platform.IdentityResolution.Domain;

namespace Platform.IdentityResolution.Persistence;

internal sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    /// <summary>The service's kebab-case name, which is also its schema (see Program.cs).</summary>
    public const string Schema = "identity-resolution";

    public DbSet<Client> Clients => Set<Client>();
    public DbSet<ClientIdentifier> ClientIdentifiers => Set<ClientIdentifier>();
    public DbSet<ClientRecord> ClientRecords => Set<ClientRecord>();
    public DbSet<SkippedRecord> SkippedRecords => Set<SkippedRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(IdentityDbContext).Assembly);
    }
}
