using System.Net;
using Platform.Connectors.Backfill;
using Platform.Contracts.Records;
using Platform.Contracts.Syncs;
using RichardSzalay.MockHttp;
using static Platform.Connectors.Ploomes.Tests.PloomesSamples;

namespace Platform.Connectors.Ploomes.Tests;

public class PloomesStreamReaderTests
{
    private const string UserKey = "uk-7f3a9c";
    private static readonly DateTimeOffset May1 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly MockHttpMessageHandler _ploomes = new();

    private PloomesContactsStreamReader ContactsReader() => new(Api(), Configuration());

    private PloomesDealsStreamReader DealsReader() => new(Api(), Configuration());

    private IPloomesApi Api() => PloomesSamples.Api(_ploomes);

    private static StreamReadContext Context(SyncMode mode = SyncMode.Full, DateTimeOffset? since = null, DateTimeOffset? until = null,
        string? userKey = UserKey) =>
        new("acme", Credentials(new Dictionary<string, string?> { ["UserKey"] = userKey, ["ClientTagName"] = "Cliente" }), mode, since, until);

    private static Dictionary<string, string> Query(string expand, int skip = 0, string? filter = null)
    {
        var query = new Dictionary<string, string>
        {
            ["$top"] = "300",
            ["$skip"] = skip.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["$orderby"] = "LastUpdateDate,Id",
            ["$expand"] = expand,
        };
        if (filter is not null)
        {
            query["$filter"] = filter;
        }
        return query;
    }

    [Fact]
    public void The_streams_are_named_contacts_and_deals()
    {
        Assert.Equal("contacts", ContactsReader().Name);
        Assert.Equal("deals", DealsReader().Name);
    }

    [Fact]
    public async Task The_first_page_asks_for_300_contacts_in_update_order_with_the_User_Key_and_keeps_each_payload_untouched()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Contacts")
            .WithHeaders("User-Key", UserKey)
            .WithExactQueryString(Query("Phones,Tags($expand=Tag),OtherProperties"))
            .Respond("application/json", Page(Text("contact-person"), Text("contact-company")));

        var page = await ContactsReader().ReadPageAsync(Context(), null, CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Equal(2, page.Fetched);
        Assert.Null(page.NextCursor); // a short page is the last one
        Assert.Equal([EntityType.Contact, EntityType.Company], page.Records.Select(r => r.Record.EntityType));
        Assert.All(page.Records, r => Assert.Equal("contacts", r.Stream));
        Assert.Equal(Text("contact-person").Trim(), page.Records[0].Payload);
        Assert.Equal("true", page.Records[0].Record.Attributes["is_customer"]);
    }

    [Fact]
    public async Task An_incremental_read_asks_only_for_what_changed_since_the_watermark()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals")
            .WithHeaders("User-Key", UserKey)
            .WithExactQueryString(Query(PloomesApi.DealExpand, filter: "LastUpdateDate ge 2024-05-01T00:00:00Z"))
            .Respond("application/json", Page(Text("deal-won")));

        var page = await DealsReader().ReadPageAsync(Context(SyncMode.Incremental, since: May1), null, CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Equal("98765001", Assert.Single(page.Records).Record.ExternalId);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_date_range_reads_the_deals_created_inside_it_and_expands_their_contact()
    {
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals")
            .WithExactQueryString(Query("Tags($expand=Tag),OtherProperties,Contact($expand=Phones,Tags($expand=Tag))",
                filter: "CreateDate ge 2024-05-01T00:00:00Z and CreateDate lt 2024-06-01T00:00:00Z"))
            .Respond("application/json", Page());

        var page = await DealsReader().ReadPageAsync(Context(since: May1, until: May1.AddMonths(1)), null, CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Empty(page.Records);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_full_page_continues_after_its_last_row_and_a_resumed_run_continues_there_with_the_same_bounds()
    {
        var deals = Deals(300, 1000, May1.AddDays(3));
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals")
            .WithExactQueryString(Query(PloomesApi.DealExpand, filter: "CreateDate ge 2024-05-01T00:00:00Z and CreateDate lt 2024-06-01T00:00:00Z"))
            .Respond("application/json", Page(deals));
        var first = await DealsReader().ReadPageAsync(Context(since: May1, until: May1.AddMonths(1)), null, CancellationToken.None);
        Assert.Equal(300, first.Records.Count);
        Assert.NotNull(first.NextCursor);

        // The process restarts: a new reader, and a context that no longer carries the bounds; the cursor does.
        var lastUpdate = May1.AddDays(3).AddMinutes(299);
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals")
            .WithExactQueryString(Query(PloomesApi.DealExpand, skip: 1,
                filter: $"CreateDate ge 2024-05-01T00:00:00Z and CreateDate lt 2024-06-01T00:00:00Z and LastUpdateDate ge {PloomesCursor.Literal(lastUpdate)}"))
            .Respond("application/json", Page(Deals(120, 1300, lastUpdate.AddMinutes(1))));
        var second = await DealsReader().ReadPageAsync(Context(), first.NextCursor, CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Equal(120, second.Fetched);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task Rows_that_share_one_update_instant_are_paged_by_skip_so_none_is_read_twice_or_missed()
    {
        var instant = May1.AddHours(10);
        var filter = $"LastUpdateDate ge {PloomesCursor.Literal(instant)}";
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").WithExactQueryString(Query(PloomesApi.DealExpand, filter: "LastUpdateDate ge 2024-05-01T00:00:00Z"))
            .Respond("application/json", Page(Deals(300, 1, instant, sameInstant: true)));
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").WithExactQueryString(Query(PloomesApi.DealExpand, skip: 300, filter: filter))
            .Respond("application/json", Page(Deals(300, 301, instant, sameInstant: true)));
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").WithExactQueryString(Query(PloomesApi.DealExpand, skip: 600, filter: filter))
            .Respond("application/json", Page(Deals(5, 601, instant, sameInstant: true)));

        var reader = DealsReader();
        var context = Context(SyncMode.Incremental, since: May1);
        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await reader.ReadPageAsync(context, cursor, CancellationToken.None);
            ids.AddRange(page.Records.Select(r => r.Record.ExternalId));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Equal(3, pages);
        Assert.Equal(605, ids.Distinct().Count());
    }

    [Fact]
    public async Task Rows_whose_dates_have_no_offset_page_by_skip_alone()
    {
        var rows = Deals(300, 1, May1).Select(d => d.Replace("-03:00\"", "\"", StringComparison.Ordinal)).ToList();
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").WithExactQueryString(Query(PloomesApi.DealExpand))
            .Respond("application/json", Page(rows));
        _ploomes.Expect(HttpMethod.Get, BaseAddress + "Deals").WithExactQueryString(Query(PloomesApi.DealExpand, skip: 300))
            .Respond("application/json", Page());

        var first = await DealsReader().ReadPageAsync(Context(), null, CancellationToken.None);
        var second = await DealsReader().ReadPageAsync(Context(), first.NextCursor, CancellationToken.None);

        _ploomes.VerifyNoOutstandingExpectation();
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task A_rejected_User_Key_fails_the_stream_with_credentials_invalid_and_says_to_set_a_new_one()
    {
        _ploomes.When(HttpMethod.Get, BaseAddress + "Contacts")
            .Respond(HttpStatusCode.Unauthorized, "application/json", """{"error":{"code":"401","message":"Unauthorized"}}""");

        var error = await Assert.ThrowsAsync<SourceException>(() => ContactsReader().ReadPageAsync(Context(), null, CancellationToken.None));

        Assert.Equal("credentials_invalid", error.ErrorCode);
        Assert.Contains("User-Key", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connectors:Ploomes:Workspaces:acme:UserKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(UserKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_without_a_User_Key_fails_with_credentials_missing_before_calling_Ploomes()
    {
        var any = _ploomes.When("*").Respond("application/json", Page());

        var error = await Assert.ThrowsAsync<SourceException>(() => DealsReader().ReadPageAsync(Context(userKey: null), null, CancellationToken.None));

        Assert.Equal("credentials_missing", error.ErrorCode);
        Assert.Contains("Connectors__Ploomes__Workspaces__acme__UserKey", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _ploomes.GetMatchCount(any));
    }

    [Fact]
    public async Task An_answer_without_a_value_array_is_a_bad_response()
    {
        _ploomes.When(HttpMethod.Get, BaseAddress + "Deals").Respond("application/json", """{"error":"unexpected"}""");

        var error = await Assert.ThrowsAsync<SourceException>(() => DealsReader().ReadPageAsync(Context(), null, CancellationToken.None));

        Assert.Equal("bad_response", error.ErrorCode);
    }

    [Fact]
    public async Task A_cursor_from_another_connector_fails_with_a_readable_reason()
    {
        var error = await Assert.ThrowsAsync<SourceException>(() => DealsReader().ReadPageAsync(Context(), "cus_123", CancellationToken.None));
        Assert.Contains("checkpoint", error.Message, StringComparison.Ordinal);
    }
}
