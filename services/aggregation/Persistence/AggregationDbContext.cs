using Microsoft.EntityFrameworkCore;
using Platform.Aggregation.Persistence.Entities;

namespace Platform.Aggregation.Persistence;

/// <summary>
/// The service's tables. EF Core owns the schema (migrations) and the API's simple reads; the consumers write with
/// set-based SQL (<see cref="AggregationStore"/>) and the reports read with SQL (<see cref="Reports"/>).
/// </summary>
internal sealed class AggregationDbContext(DbContextOptions<AggregationDbContext> options) : DbContext(options)
{
    /// <summary>The service's kebab-case name, which is also its schema.</summary>
    public const string Schema = "aggregation";

    public DbSet<ClientRecord> ClientRecords => Set<ClientRecord>();
    public DbSet<Sale> Sales => Set<Sale>();
    public DbSet<CustomerSales> CustomerSales => Set<CustomerSales>();
    public DbSet<CsCustomer> CsCustomers => Set<CsCustomer>();
    public DbSet<Customer360> Customer360 => Set<Customer360>();
    public DbSet<CustomerActivity> Activities => Set<CustomerActivity>();
    public DbSet<KnownClient> Clients => Set<KnownClient>();
    public DbSet<ClientMerge> MergedClients => Set<ClientMerge>();
    public DbSet<RecordMove> RecordMoves => Set<RecordMove>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AggregationDbContext).Assembly);
    }
}
