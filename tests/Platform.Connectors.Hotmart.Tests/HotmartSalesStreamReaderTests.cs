using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Hotmart.Tests;

public sealed class HotmartSalesStreamReaderTests : IDisposable
{
    private static readonly DateTimeOffset January = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset January31 = January.AddDays(30);
    private static readonly DateTimeOffset March = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly HotmartApiHarness _hotmart = new();

    /// <summary>Sales by (order date, status, page token): what the fake sales/history holds.</summary>
    private readonly Dictionary<(long Start, string Status, string? Token), (string[] Transactions, string? Next)> _sales = new()
    {
        [(January.ToUnixTimeMilliseconds(), "APPROVED", null)] = (["HP1", "HP2"], "t2"),
        [(January.ToUnixTimeMilliseconds(), "APPROVED", "t2")] = (["HP3"], null),
        [(January.ToUnixTimeMilliseconds(), "REFUNDED", null)] = (["HP4"], null),
        [(January31.ToUnixTimeMilliseconds(), "CANCELLED", null)] = (["HP5"], null),
    };

    /// <summary>Transactions the page-wide sales/users call leaves out (so they must be asked for one by one).</summary>
    private readonly HashSet<string> _missingFromUsersPage = [];

    public HotmartSalesStreamReaderTests()
    {
        _hotmart.Options.WindowDays = 30;
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(request => HotmartApiHarness.Json(History(Query(request))));
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.UsersUrl).Respond(request => HotmartApiHarness.Json(Users(Query(request))));
    }

    public void Dispose() => _hotmart.Dispose();

    private static Dictionary<string, string> Query(HttpRequestMessage request) =>
        new SentRequest(request.Method, request.RequestUri!, null, null).Query;

    private static string Item(string transaction, string status) =>
        "{\"product\":{\"id\":2125812,\"name\":\"Curso\"},  \"buyer\":{\"name\":\"Buyer " + transaction + "\",\"ucode\":\"u-" + transaction
            + "\",\"email\":\"" + transaction.ToLowerInvariant() + "@example.com\"},\"purchase\":{\"transaction\":\"" + transaction
            + "\",\"order_date\":1704153600000,\"status\":\"" + status + "\",\"price\":{\"value\":97.5,\"currency_code\":\"BRL\"}}}";

    private (string[] Transactions, string? Next) Page(Dictionary<string, string> query)
    {
        // The sales filed under a date inside the queried range [start_date, end_date].
        var start = long.Parse(query["start_date"], System.Globalization.CultureInfo.InvariantCulture);
        var end = long.Parse(query["end_date"], System.Globalization.CultureInfo.InvariantCulture);
        var token = query.GetValueOrDefault("page_token");
        var match = _sales.Where(s => s.Key.Start >= start && s.Key.Start <= end && s.Key.Status == query["transaction_status"] && s.Key.Token == token)
            .Select(s => s.Value).ToList();
        return match.Count > 0 ? match[0] : ([], null);
    }

    private string History(Dictionary<string, string> query)
    {
        var (transactions, next) = Page(query);
        var items = string.Join(",", transactions.Select(t => Item(t, query["transaction_status"])));
        var nextToken = next is null ? "" : $$""","next_page_token":"{{next}}" """;
        return $$$"""{"items":[{{{items}}}],"page_info":{"total_results":{{{transactions.Length}}}{{{nextToken}}}}}""";
    }

    private string Users(Dictionary<string, string> query)
    {
        var transactions = query.TryGetValue("transaction", out var one) ? [one] : Page(query).Transactions.Where(t => !_missingFromUsersPage.Contains(t));
        var items = transactions.Select(t => $$$"""
            {"transaction":"{{{t}}}","users":[{"role":"PRODUCER","user":{"ucode":"p","email":"producer@example.com"}},
              {"role":"BUYER","user":{"ucode":"u-{{{t}}}","cellphone":"1198765{{{t[2..]}}}000","documents":[{"value":"0000000000{{{t[2..]}}}","type":"CPF"}]}}]}
            """);
        return $$$"""{"items":[{{{string.Join(",", items)}}}],"page_info":{}}""";
    }

    private HotmartSalesStreamReader Reader() => new(_hotmart.Api(), Microsoft.Extensions.Options.Options.Create(_hotmart.Options), _hotmart.Clock);

    private static StreamReadContext Context(DateTimeOffset? since, DateTimeOffset? until, bool withCredentials = true, SyncMode mode = SyncMode.Full)
    {
        var settings = new Dictionary<string, string?> { ["acme:Hottok"] = "h" };
        if (withCredentials)
        {
            settings["acme:ClientId"] = "client-123";
            settings["acme:ClientSecret"] = "secret-xyz";
        }
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("acme");
        return new StreamReadContext("acme", section, mode, since, until);
    }

    /// <summary>Reads pages until the stream ends, as the runner would; returns each page with the cursor it was read at.</summary>
    private static async Task<List<(string? Cursor, BackfillPage Page)>> ReadAll(HotmartSalesStreamReader reader, StreamReadContext context, string? cursor = null)
    {
        var pages = new List<(string?, BackfillPage)>();
        do
        {
            var page = await reader.ReadPageAsync(context, cursor, CancellationToken.None);
            pages.Add((cursor, page));
            cursor = page.NextCursor;
            Assert.True(pages.Count < 500, "the stream never ended");
        }
        while (cursor is not null);
        return pages;
    }

    private List<(string Start, string End, string Status, string? Token)> HistoryCalls() =>
        _hotmart.To(HotmartApiHarness.HistoryUrl)
            .Select(r => (r.Query["start_date"], r.Query["end_date"], r.Query["transaction_status"], r.Query.GetValueOrDefault("page_token")))
            .ToList();

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_sync_reads_every_window_of_every_status_page_by_page_and_then_ends()
    {
        var pages = await ReadAll(Reader(), Context(January, March));

        var expected = new List<(string, string, string, string?)>();
        foreach (var status in HotmartSalesStreamReader.Statuses)
        {
            foreach (var (start, end) in new[] { (January, January31), (January31, March) })
            {
                expected.Add((Ms(start), Ms(end.AddMilliseconds(-1)), status, null));
                if (start == January && status == "APPROVED")
                {
                    expected.Add((Ms(start), Ms(end.AddMilliseconds(-1)), status, "t2"));
                }
            }
        }
        Assert.Equal(expected, HistoryCalls());
        Assert.Equal(17, HotmartSalesStreamReader.Statuses.Distinct().Count());
        Assert.Equal(["HP1", "HP2", "HP3", "HP5", "HP4"], pages.SelectMany(p => p.Page.Records).Select(r => r.Record.ExternalId));
        Assert.Null(pages[^1].Page.NextCursor);
        Assert.All(pages.SkipLast(1), p => Assert.NotNull(p.Page.NextCursor));
    }

    [Fact]
    public async Task Windows_grow_while_they_come_back_empty_so_empty_years_cost_a_few_calls()
    {
        var since = new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var pages = await ReadAll(Reader(), Context(since, March));

        // 30, 60, 120, 240, 480 days, then 730 at most: about nine windows from 2016 to 2024 per status, not 99.
        var calls = HistoryCalls();
        var perStatus = calls.GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perStatus.Values, n => Assert.InRange(n, 5, 12));
        var sizes = calls.Where(c => c.Status == "BLOCKED")
            .Select(c => (long.Parse(c.End, System.Globalization.CultureInfo.InvariantCulture) + 1 - long.Parse(c.Start, System.Globalization.CultureInfo.InvariantCulture)) / 86_400_000)
            .ToList();
        Assert.Equal([30, 60, 120, 240, 480, 730], sizes.Take(6));
        Assert.Equal(5, pages.SelectMany(p => p.Page.Records).Count());
    }

    [Fact]
    public async Task A_range_hotmart_rejects_is_asked_again_in_smaller_windows_and_nothing_is_lost()
    {
        _hotmart.Http.Clear();
        _hotmart.Http.When(HttpMethod.Post, HotmartApiHarness.TokenUrl).Respond(_ => HotmartApiHarness.Json("""{"access_token":"tok","expires_in":86400}"""));
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(request =>
        {
            var query = Query(request);
            var days = (long.Parse(query["end_date"], System.Globalization.CultureInfo.InvariantCulture) + 1
                - long.Parse(query["start_date"], System.Globalization.CultureInfo.InvariantCulture)) / 86_400_000;
            return days > 10
                ? HotmartApiHarness.Json("""{"error":"invalid_value_parameter","message":"The period is too long"}""", System.Net.HttpStatusCode.BadRequest)
                : HotmartApiHarness.Json(History(query));
        });
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.UsersUrl).Respond(request => HotmartApiHarness.Json(Users(Query(request))));
        _sales.Clear();
        _sales[(January.ToUnixTimeMilliseconds(), "APPROVED", null)] = (["HP1"], null);
        _sales[(January.AddDays(7.5).ToUnixTimeMilliseconds(), "APPROVED", null)] = (["HP2"], null);

        var pages = await ReadAll(Reader(), Context(January, January31));

        Assert.Equal(["HP1", "HP2"], pages.SelectMany(p => p.Page.Records).Select(r => r.Record.ExternalId));
        var approved = HistoryCalls().Where(c => c.Status == "APPROVED").Select(c => c.Start).ToList();
        Assert.Equal([Ms(January), Ms(January), Ms(January), Ms(January.AddDays(7.5))], approved.Take(4));
    }

    [Fact]
    public async Task An_incremental_sync_rereads_the_trailing_45_days_of_orders_to_see_their_status_changes()
    {
        var yesterday = _hotmart.Clock.Now.AddDays(-1);

        await Reader().ReadPageAsync(Context(yesterday, null, mode: SyncMode.Incremental), null, CancellationToken.None);

        Assert.Equal(Ms(_hotmart.Clock.Now.AddDays(-45)), Assert.Single(HistoryCalls()).Start);
    }

    [Fact]
    public async Task Every_sale_keeps_the_status_of_the_filter_it_was_read_under()
    {
        var records = (await ReadAll(Reader(), Context(January, March))).SelectMany(p => p.Page.Records).ToDictionary(r => r.Record.ExternalId);

        Assert.Equal("APPROVED", records["HP1"].Record.Money!.Status);
        Assert.Equal("REFUNDED", records["HP4"].Record.Money!.Status);
        Assert.Equal("CANCELLED", records["HP5"].Record.Money!.Status);
        Assert.Equal(97.5m, records["HP5"].Record.Money!.Amount);
        Assert.All(records.Values, r => Assert.Equal("sales", r.Stream));
    }

    [Fact]
    public async Task A_resumed_run_continues_exactly_where_the_stored_cursor_stopped()
    {
        var uninterrupted = await ReadAll(Reader(), Context(January, March));
        var callsUninterrupted = HistoryCalls();
        // The cursor stored after the first page: mid-status, on Hotmart's page token.
        var stored = uninterrupted[0].Page.NextCursor!;
        using (var cursor = JsonDocument.Parse(stored))
        {
            Assert.Equal("APPROVED", cursor.RootElement.GetProperty("status").GetString());
            Assert.Equal("t2", cursor.RootElement.GetProperty("page_token").GetString());
            Assert.Equal(January.ToUnixTimeMilliseconds(), cursor.RootElement.GetProperty("window").GetProperty("window_start").GetInt64());
        }

        // A new process (new reader, new client, an hour later) picks the run up from that cursor.
        _hotmart.Sent.Clear();
        _hotmart.Clock.Advance(TimeSpan.FromHours(1));
        var resumed = await ReadAll(Reader(), Context(January, March), stored);

        Assert.Equal(callsUninterrupted.Skip(1), HistoryCalls());
        Assert.Equal(
            uninterrupted.Skip(1).SelectMany(p => p.Page.Records).Select(r => r.Record.ExternalId),
            resumed.SelectMany(p => p.Page.Records).Select(r => r.Record.ExternalId));
    }

    [Fact]
    public async Task A_sync_without_a_date_range_reads_from_the_earliest_date_up_to_when_it_started()
    {
        _hotmart.Options.EarliestDate = _hotmart.Clock.Now.AddDays(-45);
        var startedAt = _hotmart.Clock.Now;
        var reader = Reader();
        var first = await reader.ReadPageAsync(Context(null, null), null, CancellationToken.None);
        _hotmart.Clock.Advance(TimeSpan.FromDays(2)); // "now" moves on while the run goes; its range does not

        await ReadAll(reader, Context(null, null), first.NextCursor);

        var calls = HistoryCalls();
        Assert.Equal(2 * HotmartSalesStreamReader.Statuses.Count, calls.Count);
        Assert.Equal(Ms(_hotmart.Options.EarliestDate), calls[0].Start);
        Assert.Equal(Ms(startedAt.AddMilliseconds(-1)), calls[^1].End);
    }

    [Fact]
    public async Task An_empty_date_range_ends_at_once_without_calling_hotmart()
    {
        var page = await Reader().ReadPageAsync(Context(March, March), null, CancellationToken.None);

        Assert.Empty(page.Records);
        Assert.Null(page.NextCursor);
        Assert.Empty(_hotmart.Sent);
    }

    [Fact]
    public async Task Buyers_are_completed_from_sales_users_with_one_call_per_page()
    {
        var pages = await ReadAll(Reader(), Context(January, March));

        // Four pages hold sales; empty pages need no participants.
        Assert.Equal(4, _hotmart.To(HotmartApiHarness.UsersUrl).Count());
        Assert.DoesNotContain(_hotmart.To(HotmartApiHarness.UsersUrl), r => r.Query.ContainsKey("transaction"));
        var hp2 = pages.SelectMany(p => p.Page.Records).Single(r => r.Record.ExternalId == "HP2").Record;
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "11987652000"), hp2.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Cpf, "00000000002"), hp2.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Email, "hp2@example.com"), hp2.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.HotmartBuyerId, "u-HP2"), hp2.Identifiers);
    }

    [Fact]
    public async Task Sales_the_page_wide_participants_call_missed_are_asked_for_one_by_one()
    {
        _missingFromUsersPage.Add("HP2");

        var page = await Reader().ReadPageAsync(Context(January, March), null, CancellationToken.None);

        var single = Assert.Single(_hotmart.To(HotmartApiHarness.UsersUrl), r => r.Query.ContainsKey("transaction"));
        Assert.Equal("HP2", single.Query["transaction"]);
        var hp2 = page.Records.Single(r => r.Record.ExternalId == "HP2").Record;
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "11987652000"), hp2.Identifiers);
    }

    [Fact]
    public async Task The_payload_of_a_sale_is_the_item_exactly_as_hotmart_sent_it()
    {
        var page = await Reader().ReadPageAsync(Context(January, March), null, CancellationToken.None);

        Assert.Equal(Item("HP1", "APPROVED"), page.Records[0].Payload);
        Assert.Equal(2, page.Fetched);
    }

    [Fact]
    public async Task Sales_history_versions_are_dated_when_the_page_was_read()
    {
        var page = await Reader().ReadPageAsync(Context(January, March), null, CancellationToken.None);

        Assert.All(page.Records, r => Assert.Equal(_hotmart.Clock.Now, r.Record.SourceUpdatedAt));
    }

    [Fact]
    public async Task A_workspace_without_api_credentials_fails_the_stream_with_credentials_missing()
    {
        var error = await Assert.ThrowsAsync<SourceException>(() =>
            Reader().ReadPageAsync(Context(January, March, withCredentials: false), null, CancellationToken.None));

        Assert.Equal("credentials_missing", error.ErrorCode);
        Assert.Empty(_hotmart.Sent);
    }

    [Fact]
    public async Task A_cursor_that_cannot_be_read_fails_with_a_reason_instead_of_restarting_silently()
    {
        var error = await Assert.ThrowsAsync<SourceException>(() =>
            Reader().ReadPageAsync(Context(January, March), "not json", CancellationToken.None));

        Assert.Contains("checkpoint", error.Message, StringComparison.Ordinal);
    }
}
