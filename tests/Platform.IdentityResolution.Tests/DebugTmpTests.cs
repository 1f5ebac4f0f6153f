using Xunit.Abstractions;
using Npgsql;
using Platform.Contracts.Records;
using static Platform.IdentityResolution.Tests.StagedRecords;

namespace Platform.IdentityResolution.Tests;

public sealed class DebugTmpTests(IdentityResolutionFixture service, ITestOutputHelper output) : IClassFixture<IdentityResolutionFixture>
{
    [Fact]
    public async Task Debug()
    {
        var workspace = NewWorkspace();
        await service.PublishAndSettleAsync(workspace, 3,
            Record(workspace, "stripe", EntityType.Contact, "cus_j", "stripe_customer_id:cus_j", "email:julia@example.com"),
            Record(workspace, "hotmart", EntityType.Purchase, "HP-j", "email:julia@example.com"),
            Record(workspace, "csv", EntityType.Contact, "row-j", "email:julia@example.com", "phone:(11) 97777-6666"));
        await using var c = new NpgsqlConnection(service.Database.ConnectionString);
        await c.OpenAsync();
        foreach (var sql in new[] { "select id, source, external_id, client_id, status, status_reason from \"identity-resolution\".records", "select id, status, record_count, version, merged_into_id from \"identity-resolution\".clients", "select * from \"identity-resolution\".record_identifiers", "select id, kind, value, blocked_reason from \"identity-resolution\".identifier_values" })
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                output.WriteLine(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : r.GetValue(i).ToString())));
            }
            output.WriteLine("--");
        }
        Assert.Fail("debug");
    }
}
