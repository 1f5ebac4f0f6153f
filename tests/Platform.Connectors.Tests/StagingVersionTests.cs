using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Connectors.Staging;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;

namespace Platform.Connectors.Tests;

/// <summary>
/// One version key on both staging paths: deferred rows go by bulk COPY, rows to unify now by upsert, and the mapping
/// hash the connector computes is the one PostgreSQL computes from the stored jsonb.
/// </summary>
public sealed class StagingVersionTests(LocatedWebhookFixture fixture) : IClassFixture<LocatedWebhookFixture>
{
    private static CanonicalRecord Record(string id, string note, decimal amount = 1234.50m) => new()
    {
        Source = "located",
        EntityType = EntityType.Purchase,
        ExternalId = id,
        SourceUpdatedAt = new DateTimeOffset(2026, 2, 4, 13, 29, 4, TimeSpan.FromHours(-3)),
        Identifiers = [new Identifier(IdentifierKinds.Email, "conceicao@example.com"), new Identifier(IdentifierKinds.Phone, "+5511987654321")],
        Person = new PersonFields { FirstName = "Conceição", LastName = "D'Ávila \"Zeca\"", City = "São Paulo" },
        Money = new MoneyFields { Amount = amount, Currency = "BRL", Status = "paid", OccurredAt = new DateTimeOffset(2026, 2, 4, 0, 0, 0, TimeSpan.Zero), AmountRefunded = 0.10m },
        Attributes = new Dictionary<string, string?>
        {
            ["b"] = "short key after a longer one? no: shorter keys first",
            ["aa"] = note,
            ["manychat.cf.Observações"] = "linha um\r\nlinha dois\ttab \\ barra \u0001 controle <b>&'+ 😀",
            ["empty"] = "",
            ["missing"] = null,
        },
    };

    private async Task<int> StageAsync(string workspace, UnifyMode unify, params CanonicalRecord[] records)
    {
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        await using var connection = await fixture.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var staged = await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), unify),
            records.Select(r => new StagedRecordInput("charges", $$"""{"id":"{{r.ExternalId}}"}""", r)).ToList(), CancellationToken.None);
        await transaction.CommitAsync();
        return staged;
    }

    [Fact]
    public async Task A_staged_row_pays_no_index_entry_by_sync_run()
    {
        // Deferred rows wait in raw_record_deferred (its own run index); nothing reads raw rows by run.
        Assert.Equal(0, await fixture.CountAsync("""
            select count(*) from pg_indexes where schemaname = current_schema() and tablename = 'raw_records' and indexdef like '%sync_run_id%'
            """));
        Assert.Equal(1, await fixture.CountAsync("""
            select count(*) from pg_indexes where schemaname = current_schema() and tablename = 'raw_record_deferred' and indexdef like '%sync_run_id%'
            """));
    }

    [Fact]
    public async Task The_mapping_hash_computed_by_the_connector_is_the_one_postgresql_computes_from_the_stored_jsonb()
    {
        var workspace = "hash-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(3, await StageAsync(workspace, UnifyMode.Deferred,
            Record("p1", "plain"), Record("p2", "Ünïcödé \u001f and \b\f", 0.1m), Record("p3", "big", 123456789012.3400m)));
        Assert.Equal(2, await StageAsync(workspace, UnifyMode.Now, Record("p4", "now"), Record("p5", "\"quoted\"")));

        Assert.Equal(5, await fixture.CountAsync("""
            select count(*) from raw_records
            where workspace_id = @ws and canonical_hash = sha256(convert_to((canonical - 'sourceUpdatedAt')::text, 'UTF8'))
            """, ("ws", workspace)));
    }

    [Theory]
    [InlineData("""{"sourceUpdatedAt":"2026-01-01T00:00:00Z","b":1,"aa":2,"a":{"z":[1,2.50,-3],"y":null,"x":true},"a":"last wins"}""")]
    [InlineData("""{"k\ue000":"private use","k\ud83d\ude00":"emoji","kz":"z","k\u00e9":"\u0001\u001f\u007f \" \\ \/ tab\t"}""")]
    [InlineData("""{"n":1E+3,"m":1.5e-7,"o":0.10,"p":-0,"y":-0.0,"z":12.3E1,"w":-12.5E-2,"v":1e20,"q":[],"r":{},"s":[{"b":1,"a":2}]}""")]
    [InlineData("""{"b":{"\u0062b":3,"ba":4,"\/":"\/"},"\u0061":1,"a":2,"c":"caf\u00e9 ç","d":-0.50,"e":-10,"f":[0,-0.0,1.000]}""")]
    [InlineData("""{"z":{"y":{"x":{"w":1,"ww":[{"v":"deep","vv":{"u":{}}}]},"x2":"\u0002"},"y2":true},"z2":null}""")]
    [InlineData("LONG")]
    public async Task The_mapping_hash_of_any_json_is_the_one_postgresql_computes(string json)
    {
        if (json == "LONG")
        {
            var keys = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"{new string((char)('a' + i % 26), 50 + i)}\":{{\"k{i}\":{i}}}"));
            json = "{" + keys + "}";
        }
        await using var command = fixture.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("select sha256(convert_to((@json::jsonb - 'sourceUpdatedAt')::text, 'UTF8'))");
        command.Parameters.Add(new NpgsqlParameter<string>("json", json));
        Assert.Equal(Convert.ToHexString((byte[])(await command.ExecuteScalarAsync())!), Convert.ToHexString(CanonicalJson.MappingHash(json)));
    }

    [Theory]
    [InlineData(UnifyMode.Deferred)]
    [InlineData(UnifyMode.Now)]
    public async Task Objects_of_a_page_read_in_place_are_stored_byte_for_byte_and_are_the_versions_their_text_stages(UnifyMode unify)
    {
        var workspace = "utf8-" + Guid.NewGuid().ToString("N")[..8];
        // Formatting, escapes, non-ASCII and a 4-byte character, as a vendor's page holds them.
        const string Objects = """
            { "id" : "p1", "name": "Conce\u00e7\u00e3o D'\u00c1vila", "city": "São Paulo 😀", "note": "a\/b \"q\" \t", "n": 1.50e2 },
            {"id":"p2","name":"Zé","nested":{"b":[1,2,{"c":null}],"a":true}}
            """;
        const string Page = "{\"data\": [" + Objects + "], \"has_more\": false}";
        List<StagedRecordInput> fromPage;
        string[] texts;
        using (var page = Platform.Connectors.Http.JsonPage.Parse(System.Text.Encoding.UTF8.GetBytes(Page)))
        {
            var data = page.Root.GetProperty("data");
            texts = [.. data.EnumerateArray().Select(e => e.GetRawText())];
            fromPage = [.. data.EnumerateArray().Select(e => StagedRecordInput.Of("charges", e, Record(e.GetProperty("id").GetString()!, "page")))];
        }
        // The page is disposed (its pooled buffers returned): the inputs hold their own bytes.
        Assert.All(fromPage, input => Assert.NotNull(input.PayloadUtf8));
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        var dataSource = fixture.Services.GetRequiredService<NpgsqlDataSource>();
        async Task<int> Stage(IReadOnlyList<StagedRecordInput> inputs)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var staged = await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), unify),
                inputs, CancellationToken.None);
            await transaction.CommitAsync();
            return staged;
        }
        // 20 copies of the pair with distinct ids would be the bulk path for "now" too; two objects stage through either path.
        Assert.Equal(2, await Stage(fromPage));
        foreach (var (text, i) in texts.Select((t, i) => (t, i)))
        {
            Assert.Equal(1, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws and external_id = @id and payload = @text",
                ("ws", workspace), ("id", $"p{i + 1}"), ("text", text)));
        }
        // The same objects as text (a webhook's way) are the same versions: nothing new.
        Assert.Equal(0, await Stage([.. texts.Select((t, i) => new StagedRecordInput("charges", t, Record($"p{i + 1}", "page")))]));
        Assert.Equal(2, await fixture.CountAsync("""
            select count(*) from raw_records
            where workspace_id = @ws and canonical->'person'->>'city' = 'São Paulo'
              and canonical_hash = sha256(convert_to((canonical - 'sourceUpdatedAt')::text, 'UTF8'))
            """, ("ws", workspace)));
    }

    [Fact]
    public async Task A_version_staged_by_either_path_is_not_staged_again_by_the_other_and_a_changed_mapping_is()
    {
        var workspace = "paths-" + Guid.NewGuid().ToString("N")[..8];
        // Deferred (bulk COPY): a repeat inside the batch counts once.
        Assert.Equal(2, await StageAsync(workspace, UnifyMode.Deferred, Record("a", "one"), Record("b", "two"), Record("a", "one")));
        Assert.Equal(0, await StageAsync(workspace, UnifyMode.Deferred, Record("a", "one"), Record("b", "two")));
        Assert.Equal(0, await StageAsync(workspace, UnifyMode.Now, Record("a", "one"), Record("b", "two")));
        // Read again later (only sourceUpdatedAt moved): the same version.
        Assert.Equal(0, await StageAsync(workspace, UnifyMode.Deferred, Record("a", "one") with { SourceUpdatedAt = DateTimeOffset.UtcNow }));
        // The same payload mapped differently is a new version, on either path.
        Assert.Equal(1, await StageAsync(workspace, UnifyMode.Now, Record("a", "one, corrected")));
        Assert.Equal(0, await StageAsync(workspace, UnifyMode.Deferred, Record("a", "one, corrected")));
        Assert.Equal(2, await StageAsync(workspace, UnifyMode.Deferred, Record("b", "two, corrected"), Record("c", "three"), Record("a", "one")));

        Assert.Equal(5, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws", ("ws", workspace)));
        Assert.Equal(1, await fixture.CountAsync(
            "select count(*) from raw_record_outbox o join raw_records r on r.id = o.id where r.workspace_id = @ws", ("ws", workspace)));
    }

    [Fact]
    public async Task Releasing_deferred_rows_queues_them_chunk_by_chunk_without_rewriting_the_raw_rows_and_only_the_named_run()
    {
        var workspace = "release-" + Guid.NewGuid().ToString("N")[..8];
        var dataSource = fixture.Services.GetRequiredService<NpgsqlDataSource>();
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        var runs = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var records = Enumerable.Range(0, i == 0 ? 30 : 3).Select(n => Record($"run{i}-{n:00}", "deferred")).ToList();
            Assert.Equal(records.Count, await staging.StageAsync(connection, transaction, new StagingContext(workspace, Guid.NewGuid(), run, UnifyMode.Deferred),
                records.Select(r => new StagedRecordInput("charges", $$"""{"id":"{{r.ExternalId}}"}""", r)).ToList(), CancellationToken.None));
            await transaction.CommitAsync();
        }
        const string Versions = "select string_agg(id || ':' || xmin::text, ',' order by id) from raw_records where workspace_id = @ws";
        async Task<string> VersionsAsync()
        {
            await using var command = dataSource.CreateCommand(Versions);
            command.Parameters.Add(new NpgsqlParameter<string>("ws", workspace));
            return (string)(await command.ExecuteScalarAsync())!;
        }
        var before = await VersionsAsync();
        Assert.Equal(33, await fixture.CountAsync("select count(*) from raw_record_deferred where workspace_id = @ws", ("ws", workspace)));

        // The second run's rows only, in chunks of 2.
        Assert.Equal(3, await DeferredRecords.ReleaseAsync(dataSource, workspace, runs[1], null, CancellationToken.None, chunk: 2));
        Assert.Equal(30, await fixture.CountAsync("select count(*) from raw_record_deferred where workspace_id = @ws", ("ws", workspace)));
        // Then the whole workspace, in chunks of 7 (30 = 4 x 7 + 2).
        Assert.Equal(30, await DeferredRecords.ReleaseAsync(dataSource, workspace, null, null, CancellationToken.None, chunk: 7));
        Assert.Equal(0, await DeferredRecords.ReleaseAsync(dataSource, workspace, null, null, CancellationToken.None, chunk: 7));
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_record_deferred where workspace_id = @ws", ("ws", workspace)));
        // The raw rows were not rewritten: every row keeps the version its staging transaction wrote.
        Assert.Equal(before, await VersionsAsync());
    }

    [Fact]
    public async Task A_page_to_unify_now_is_copied_with_every_new_row_queued_once_in_the_page_order_and_a_repeat_queues_nothing()
    {
        var workspace = "bulk-" + Guid.NewGuid().ToString("N")[..8];
        // The fixture's relay would publish the queued rows (and take them off the outbox) while they are counted: it
        // publishes only under this lock, held here until the test ends.
        await using var relayLock = await fixture.HoldRelayAsync();
        // 30 rows (the bulk path), one repeated inside the page: the first one wins.
        var page = Enumerable.Range(0, 30).Select(i => Record($"r{i:00}", "bulk")).ToList();
        Assert.Equal(30, await StageAsync(workspace, UnifyMode.Now, [.. page, Record("r07", "bulk")]));
        Assert.Equal(0, await StageAsync(workspace, UnifyMode.Now, [.. page]));
        // One row of the page changed: only it stages, and only it is queued again.
        page[12] = Record("r12", "bulk, corrected");
        Assert.Equal(1, await StageAsync(workspace, UnifyMode.Now, [.. page]));

        Assert.Equal(31, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws and unify = 'now'", ("ws", workspace)));
        Assert.Equal(31, await fixture.CountAsync(
            "select count(distinct o.id) from raw_record_outbox o join raw_records r on r.id = o.id where r.workspace_id = @ws", ("ws", workspace)));
        // The relay publishes by id: the ids follow the page's order.
        Assert.Equal(0, await fixture.CountAsync("""
            select count(*) from (
                select external_id, lag(external_id) over (order by id) as before from raw_records where workspace_id = @ws and canonical->'attributes'->>'aa' = 'bulk'
            ) o where before > external_id
            """, ("ws", workspace)));
    }

    [Theory]
    [InlineData(UnifyMode.Now)]
    [InlineData(UnifyMode.Deferred)]
    public async Task A_page_whose_rows_another_transaction_staged_meanwhile_stages_only_its_new_rows(UnifyMode unify)
    {
        var workspace = "race-" + Guid.NewGuid().ToString("N")[..8];
        var staging = fixture.Services.GetRequiredService<StagingStore>();
        var dataSource = fixture.Services.GetRequiredService<NpgsqlDataSource>();
        var shared = Enumerable.Range(0, 25).Select(i => Record($"r{i}", "shared")).ToList();
        var page = shared.Concat(Enumerable.Range(25, 5).Select(i => Record($"r{i}", "new"))).ToList();
        List<StagedRecordInput> Inputs(IEnumerable<CanonicalRecord> records) =>
            records.Select(r => new StagedRecordInput("charges", $$"""{"id":"{{r.ExternalId}}"}""", r)).ToList();

        // The first transaction holds its 25 rows uncommitted while the second page's bulk COPY runs into them.
        await using var first = await dataSource.OpenConnectionAsync();
        await using var firstTransaction = await first.BeginTransactionAsync();
        Assert.Equal(25, await staging.StageAsync(first, firstTransaction,
            new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), unify), Inputs(shared), CancellationToken.None));
        var second = Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var staged = await staging.StageAsync(connection, transaction,
                new StagingContext(workspace, Guid.NewGuid(), Guid.NewGuid(), unify), Inputs(page), CancellationToken.None);
            await transaction.CommitAsync();
            return staged;
        });
        await Task.Delay(500);
        await firstTransaction.CommitAsync();

        Assert.Equal(5, await second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(30, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws", ("ws", workspace)));
        if (unify == UnifyMode.Deferred)
        {
            // The upsert path queues its new rows to wait for "Unify all", like the bulk path: each row once.
            Assert.Equal(30, await fixture.CountAsync("""
                select count(*) from raw_records r join raw_record_deferred d using (workspace_id, id) where r.workspace_id = @ws
                """, ("ws", workspace)));
        }
    }
}
