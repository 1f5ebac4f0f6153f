using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Platform.Connectors.Persistence;

/// <summary>For <c>dotnet ef migrations add</c> only; never used at run time.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ConnectorDbContext>
{
    public ConnectorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ConnectorDbContext>()
            .UseNpgsql("Host=127.0.0.1;Port=55432;Database=platform;Username=platform;Password=platform")
            .Options);
}
