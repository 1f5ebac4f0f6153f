using Platform.Testing;

namespace Platform.EndToEnd.Tests;

public class MigrateOnlyTests
{
    [Theory]
    [InlineData("connector-stripe", "Platform.Connectors.Stripe", "connector-stripe", "raw_records")]
    [InlineData("identity-resolution", "Platform.IdentityResolution", "identity-resolution", "clients")]
    public async Task A_service_started_with_migrate_only_creates_its_schema_and_exits_without_serving(
        string service, string project, string schema, string table)
    {
        await using var database = await TestDatabase.CreateAsync("migrate");
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Platform"] = database.ConnectionString,
            // No broker on this port: --migrate-only must not need one.
            ["RabbitMq__Port"] = "1",
        };

        var (exitCode, output) = await ServiceProcess.RunToExitAsync(service, project, environment, "--migrate-only");

        Assert.True(exitCode == 0, output);
        Assert.Equal(1, await SchemaQuery.CountAsync(database, schema,
            "select count(*) from information_schema.tables where table_schema = @schema and table_name = @table",
            ("schema", schema), ("table", table)));
    }
}
