using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Platform.SyncOrchestrator.Persistence.Entities;

namespace Platform.SyncOrchestrator.Persistence;

/// <summary>
/// The service's tables. EF Core owns the schema (migrations), the API's reads and simple writes; the consumers
/// and the claims (runs, schedule slots, webhook deliveries) use set-based SQL so each is one atomic statement.
/// </summary>
internal sealed class OrchestratorDbContext(DbContextOptions<OrchestratorDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The service's kebab-case name, which is also its schema.</summary>
    public const string Schema = "sync-orchestrator";

    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();
    public DbSet<SyncRunStream> SyncRunStreams => Set<SyncRunStream>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<ScheduleFiring> ScheduleFirings => Set<ScheduleFiring>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<UnifyRequest> UnifyRequests => Set<UnifyRequest>();
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<SourceConnection> SourceConnections => Set<SourceConnection>();

    /// <summary>The Data Protection key ring that encrypts source secrets (shared by every replica).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrchestratorDbContext).Assembly);
    }
}
