using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.ServiceDefaults.Database;
using Platform.Testing;

namespace Platform.ServiceDefaults.Tests;

public sealed class StatisticsKeeperTests
{
    [Fact]
    public async Task A_table_that_grew_is_analyzed_without_its_documents_jsonb_or_named_text()
    {
        await using var database = await TestDatabase.CreateAsync("stats");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var setup = dataSource.CreateCommand("""
            create schema "some-service";
            -- Autovacuum off for this table: its own analyze (of every column) could come first during the wait below (it did,
            -- once, in a full run) and the test would see what autovacuum did, not the keeper.
            create table "some-service".records (id bigint primary key, source text not null, payload jsonb not null, body text not null)
                with (autovacuum_enabled = false);
            insert into "some-service".records
            select g, 'stripe', jsonb_build_object('id', g, 'text', repeat('lorem ipsum ', 300)), repeat('dolor sit ', 300) || g
            from generate_series(1, 5000) g;
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }
        var keeper = new StatisticsKeeper(dataSource, "some-service", ["records"], NullLogger<StatisticsKeeper>.Instance,
            documents: ["records.body"]);

        await Task.Delay(TimeSpan.FromSeconds(5.5)); // the keeper looks at most every 5 s
        await keeper.RefreshIfStaleAsync(CancellationToken.None);

        await using var check = dataSource.CreateCommand("""
            select (select n_mod_since_analyze from pg_stat_user_tables where schemaname = 'some-service' and relname = 'records'),
                   (select array_agg(attname::text order by attname) from pg_stats where schemaname = 'some-service' and tablename = 'records'),
                   (select array_agg(coalesce(attstattarget, -1)::int order by attname) from pg_attribute
                    where attrelid = '"some-service".records'::regclass and attname in ('body', 'payload'))
            """);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(0L, reader.GetInt64(0));
        Assert.Equal(["id", "source"], reader.GetFieldValue<string[]>(1));
        Assert.Equal([0, 0], reader.GetFieldValue<int[]>(2));
    }
}
