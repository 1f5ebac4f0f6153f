using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.IdentityResolution.Domain.Resolution;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.IdentityResolution.Tests;

/// <summary>Four instances of the service on one database and one virtual host, competing for the same queue (and recompute jobs).</summary>
public sealed class FourInstancesFixture : IdentityResolutionFixture
{
    private readonly List<ServiceFactory<Program>> _others = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Started after the first instance applied the migrations.
        for (var i = 0; i < 3; i++)
        {
            var other = new ServiceFactory<Program>(Database, VirtualHost, Settings);
            _others.Add(other);
            using var http = other.CreateClient();
            await WaitUntilReadyAsync(http);
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

public sealed class OrderIndependenceTests(FourInstancesFixture service, ITestOutputHelper output) : IClassFixture<FourInstancesFixture>
{
    [Fact]
    public async Task A_population_delivered_in_shuffled_orders_to_four_concurrent_instances_always_ends_in_the_same_partition()
    {
        var population = new Population(seed: 20261122, people: 90);

        // The reference: every message resolved alone, one after the other, in the order generated.
        var reference = StagedRecords.NewWorkspace();
        var resolver = service.Service.Services.GetRequiredService<IdentityResolver>();
        foreach (var message in population.Messages(reference))
        {
            await resolver.ResolveAsync([message], CancellationToken.None);
        }
        var expected = await OutcomeAsync(reference);
        output.WriteLine($"{population.Messages(reference).Count} messages, {expected.Partition.Count} groups, {expected.Conflicts.Count} open conflicts, blocked: {string.Join(", ", expected.Blocked)}");
        Assert.Contains(expected.Partition, g => g.Split(',').Length >= 3);
        Assert.Contains(expected.Partition, g => g.StartsWith("skipped", StringComparison.Ordinal));
        Assert.Contains(expected.Partition, g => g.StartsWith("waiting", StringComparison.Ordinal));
        Assert.NotEmpty(expected.Conflicts);
        Assert.Contains("detected phone +5511933445566", expected.Blocked);

        // Five shuffled orders, each published all at once to the four instances.
        var orders = Enumerable.Range(1, 5).Select(seed =>
        {
            var workspace = StagedRecords.NewWorkspace();
            var random = new Random(seed);
            return (Workspace: workspace, Messages: population.Messages(workspace).OrderBy(_ => random.Next()).ToList());
        }).ToList();
        await Task.WhenAll(orders.Select(o => service.PublishAllAsync(o.Messages)));

        foreach (var (workspace, messages) in orders)
        {
            await SettledAsync(workspace, Population.Expected(messages));
            var outcome = await OutcomeAsync(workspace);
            Assert.Equal(expected.Partition, outcome.Partition);
            Assert.Equal(expected.Conflicts, outcome.Conflicts);
            Assert.Equal(expected.Blocked, outcome.Blocked);
        }
    }

    [Fact]
    public async Task Blocked_values_out_of_order_versions_and_a_settings_change_mid_stream_end_in_the_same_partition_on_four_instances()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var population = new ChurnPopulation(seed: 20261203, people: 70);

        // The reference: the final settings from the start, then every message resolved alone in the order generated
        // (where newer versions often come first).
        var reference = StagedRecords.NewWorkspace();
        await service.PutSettingsAsync(reference, ChurnPopulation.FinalSettings);
        await RecomputeDoneAsync(reference);
        var resolver = service.Service.Services.GetRequiredService<IdentityResolver>();
        foreach (var message in population.Messages(reference))
        {
            await resolver.ResolveAsync([message], CancellationToken.None);
        }
        var expected = await OutcomeAsync(reference);
        output.WriteLine($"{population.Messages(reference).Count} messages, {expected.Partition.Count} groups, {expected.Conflicts.Count} open conflicts, blocked: {string.Join(", ", expected.Blocked)}");
        Assert.Contains($"detected email {ChurnPopulation.OverSharedEmail}", expected.Blocked);
        Assert.Contains($"detected phone {ChurnPopulation.BorderlinePhone}", expected.Blocked);
        Assert.DoesNotContain(expected.Blocked, b => b.EndsWith(ChurnPopulation.FadingPhone, StringComparison.Ordinal));
        Assert.NotEmpty(expected.Conflicts);

        // Four shuffled orders at once on the four instances: half the messages, then the settings change (its
        // recompute job runs on whichever instance takes it, while the other half is being resolved), then the rest.
        var orders = Enumerable.Range(1, 4).Select(seed =>
        {
            var workspace = StagedRecords.NewWorkspace();
            var random = new Random(seed);
            return (Workspace: workspace, Messages: population.Messages(workspace).OrderBy(_ => random.Next()).ToList());
        }).ToList();
        await Task.WhenAll(orders.Select(async o =>
        {
            var half = o.Messages.Count / 2;
            await service.PublishAllAsync(o.Messages.Take(half));
            await service.PutSettingsAsync(o.Workspace, ChurnPopulation.FinalSettings);
            await service.PublishAllAsync(o.Messages.Skip(half));
        }));

        foreach (var (workspace, messages) in orders)
        {
            await SettledAsync(workspace, Population.Expected(messages));
            await RecomputeDoneAsync(workspace);
            var outcome = await OutcomeAsync(workspace);
            Assert.Equal(expected.Blocked, outcome.Blocked);
            Assert.Equal(expected.Partition, outcome.Partition);
            Assert.Equal(expected.Conflicts, outcome.Conflicts);
        }
        output.WriteLine($"4 instances, 4 orders + reference: {started.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Waits until the workspace's newest recompute job is done.</summary>
    private async Task RecomputeDoneAsync(string workspace)
    {
        await Eventually.HoldsAsync(async () =>
        {
            var state = await RowsAsync(workspace,
                "select state from \"identity-resolution\".recompute_jobs where workspace_id = @w order by requested_at desc, id desc limit 1");
            Assert.NotEqual("failed", state.FirstOrDefault()?[0]);
            return state.FirstOrDefault()?[0] == "done";
        }, $"the recompute of workspace {workspace} is done", TimeSpan.FromSeconds(90));
    }

    /// <summary>Waits until every record holds its newest version (each is stored by the transaction that resolves it).</summary>
    private async Task SettledAsync(string workspace, Dictionary<string, long> expected)
    {
        await Eventually.HoldsAsync(async () =>
        {
            var stored = await RowsAsync(workspace,
                "select source || '/' || entity_type || '/' || external_id, raw_record_id::text from \"identity-resolution\".records where workspace_id = @w");
            return stored.Count == expected.Count && stored.All(s => expected[s[0]].ToString(System.Globalization.CultureInfo.InvariantCulture) == s[1]);
        }, $"workspace {workspace} holds the newest version of every record", TimeSpan.FromSeconds(90));
    }

    /// <summary>The partition (sets of record keys; records in no client with their status), open conflicts and blocked values, without ids.</summary>
    private async Task<(List<string> Partition, List<string> Conflicts, List<string> Blocked)> OutcomeAsync(string workspace)
    {
        var partition = (await RowsAsync(workspace, """
            select coalesce(min(case when client_id is null then status || ' ' || status_reason || ' ' end), '')
                   || string_agg(source || '/' || entity_type || '/' || external_id, ',' order by source, entity_type, external_id)
            from "identity-resolution".records where workspace_id = @w
            group by client_id, case when client_id is null then id end
            """)).Select(r => r[0]).Order(StringComparer.Ordinal).ToList();
        var conflicts = (await RowsAsync(workspace, """
            select c.identifier_kind || ' ' || c.identifier_value,
                   (select string_agg(source || '/' || external_id, ',' order by source, external_id) from "identity-resolution".records where client_id = c.client_a_id),
                   (select string_agg(source || '/' || external_id, ',' order by source, external_id) from "identity-resolution".records where client_id = c.client_b_id)
            from "identity-resolution".merge_conflicts c where c.workspace_id = @w and c.status = 'open'
            """)).Select(r => $"{r[0]}: {string.Join(" <> ", new[] { r[1], r[2] }.Order(StringComparer.Ordinal))}").Order(StringComparer.Ordinal).ToList();
        var blocked = (await RowsAsync(workspace,
            "select blocked_reason || ' ' || kind || ' ' || value from \"identity-resolution\".identifier_values where workspace_id = @w and blocked_reason is not null"))
            .Select(r => r[0]).Order(StringComparer.Ordinal).ToList();
        return (partition, conflicts, blocked);
    }

    private async Task<List<string[]>> RowsAsync(string workspace, string sql)
    {
        await using var connection = new NpgsqlConnection(service.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("w", workspace);
        var rows = new List<string[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetString(i)).ToArray());
        }
        return rows;
    }
}
