using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults;

namespace Platform.IdentityResolution.Persistence;

/// <summary>
/// Used by <c>dotnet ef</c> only: builds the context the way <c>AddPlatformDatabase</c> does (same
/// schema, same migrations history table) without starting the host and its bus.
/// </summary>
internal sealed class IdentityDbContextDesignTimeFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    private const string LocalConnectionString =
        "Host=127.0.0.1;Port=55432;Database=platform;Username=platform;Password=platform";

    public IdentityDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Platform") is { Length: > 0 } fromEnv
            ? fromEnv
            : LocalConnectionString;
        var options = new DbContextOptionsBuilder<IdentityDbContext>()
            .UseNpgsql(connectionString, npgsql =>
                npgsql.MigrationsHistoryTable(PlatformDatabaseExtensions.MigrationsHistoryTable, IdentityDbContext.Schema))
            .Options;
        return new IdentityDbContext(options);
    }
}
