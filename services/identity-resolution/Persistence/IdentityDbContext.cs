using Microsoft.EntityFrameworkCore;
using Platform.IdentityResolution.Persistence.Entities;

namespace Platform.IdentityResolution.Persistence;

/// <summary>
/// The service's tables. EF Core owns the schema (migrations) and the operator reads; the resolution hot path
/// writes with set-based SQL (<see cref="ResolutionStore"/>).
/// </summary>
internal sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    /// <summary>The service's kebab-case name, which is also its schema (see Program.cs).</summary>
    public const string Schema = "identity-resolution";

    public DbSet<Client> Clients => Set<Client>();
    public DbSet<SourceRecord> Records => Set<SourceRecord>();
    public DbSet<IdentifierValue> IdentifierValues => Set<IdentifierValue>();
    public DbSet<RecordIdentifier> RecordIdentifiers => Set<RecordIdentifier>();
    public DbSet<MergeConflict> MergeConflicts => Set<MergeConflict>();
    public DbSet<OperatorDecision> OperatorDecisions => Set<OperatorDecision>();
    public DbSet<OperatorDecisionRecord> OperatorDecisionRecords => Set<OperatorDecisionRecord>();
    public DbSet<WorkspaceSettings> WorkspaceSettings => Set<WorkspaceSettings>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(IdentityDbContext).Assembly);
    }
}
