using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults;

namespace Platform.Aggregation.Persistence;

/// <summary>
/// Used by <c>dotnet ef</c> only: builds the context the way <c>AddPlatformDatabase</c> does (same schema, same
/// migrations history table) without starting the host and its bus.
/// </summary>
internal sealed class AggregationDbContextDesignTimeFactory : IDesignTimeDbContextFactory<AggregationDbContext>
{
    private const string LocalConnectionString =
        "Host=127.0.0.1;Port=55432;Database=platform;Username=platform;Password=platform";

    public AggregationDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Platform") is { Length: > 0 } fromEnv
            ? fromEnv
            : LocalConnectionString;
        var options = new DbContextOptionsBuilder<AggregationDbContext>()
            .UseNpgsql(connectionString, npgsql =>
                npgsql.MigrationsHistoryTable(PlatformDatabaseExtensions.MigrationsHistoryTable, AggregationDbContext.Schema))
            .Options;
        return new AggregationDbContext(options);
    }
}
