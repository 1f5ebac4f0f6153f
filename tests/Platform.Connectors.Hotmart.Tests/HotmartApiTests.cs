using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Hotmart.Tests;

public sealed class HotmartApiTests : IDisposable
{
    private const string EmptyPage = """{"items":[],"page_info":{"total_results":0,"results_per_page":50}}""";
    private readonly HotmartApiHarness _hotmart = new();

    public void Dispose() => _hotmart.Dispose();

    // The answer is not disposed: the test reads its items afterwards (its pooled buffers are then left to the GC).
    private static async Task<HotmartPage<System.Text.Json.JsonElement>> History(IHotmartApi api, SalesQuery? query = null) =>
        HotmartApi.SalesPage(await api.GetSalesHistoryAsync("acme", query ?? new SalesQuery { TransactionStatus = "APPROVED" }, CancellationToken.None)
            .ContentOrThrowAsync(HotmartApi.Errors, "acme"));

    [Fact]
    public async Task A_token_is_requested_with_basic_auth_and_the_client_credentials_once_and_reused()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(_ => HotmartApiHarness.Json(EmptyPage));
        var api = _hotmart.Api();

        await History(api);
        await History(_hotmart.Api()); // a new typed client (they are transient) still reuses the workspace's token
        await History(api);

        Assert.Equal(1, _hotmart.Http.GetMatchCount(_hotmart.TokenRequest));
        var token = Assert.Single(_hotmart.To(HotmartApiHarness.TokenUrl));
        Assert.Equal(HttpMethod.Post, token.Method);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-123:secret-xyz")), token.Authorization);
        Assert.Equal("client_credentials", token.Query["grant_type"]);
        Assert.Equal("client-123", token.Query["client_id"]);
        Assert.Equal("secret-xyz", token.Query["client_secret"]);
        Assert.All(_hotmart.To(HotmartApiHarness.HistoryUrl), r => Assert.Equal("Bearer tok-1", r.Authorization));
    }

    [Fact]
    public async Task A_token_is_renewed_once_it_nears_its_expiry()
    {
        _hotmart.ExpiresIn = 3600;
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(_ => HotmartApiHarness.Json(EmptyPage));
        var api = _hotmart.Api();

        await History(api);
        _hotmart.Clock.Advance(TimeSpan.FromMinutes(50)); // still fresh
        await History(api);
        _hotmart.Clock.Advance(TimeSpan.FromMinutes(9)); // within the last tenth of its life
        await History(api);

        Assert.Equal(["tok-1", "tok-2"], _hotmart.TokensIssued);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], _hotmart.To(HotmartApiHarness.HistoryUrl).Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_401_on_an_api_call_renews_the_token_and_retries_once()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(request =>
            request.Headers.Authorization?.Parameter == "tok-1"
                ? HotmartApiHarness.Json("""{"error":"token_expired"}""", HttpStatusCode.Unauthorized)
                : HotmartApiHarness.Json(EmptyPage));

        var page = await History(_hotmart.Api());

        Assert.Empty(page.Items);
        Assert.Equal(["tok-1", "tok-2"], _hotmart.TokensIssued);
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], _hotmart.To(HotmartApiHarness.HistoryUrl).Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_401_that_persists_with_a_new_token_fails_with_credentials_invalid()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl)
            .Respond(_ => HotmartApiHarness.Json("""{"error":"unauthorized"}""", HttpStatusCode.Unauthorized));

        var error = await Assert.ThrowsAsync<SourceException>(() => History(_hotmart.Api()));

        Assert.Equal("credentials_invalid", error.ErrorCode);
        Assert.Equal(2, _hotmart.To(HotmartApiHarness.HistoryUrl).Count()); // renewed once, not in a loop
    }

    [Fact]
    public async Task A_401_from_the_token_endpoint_fails_with_credentials_invalid_saying_the_client_id_or_secret_is_wrong()
    {
        _hotmart.TokenAnswer = () => HotmartApiHarness.Json("""{"error":"unauthorized","error_description":"Bad credentials"}""", HttpStatusCode.Unauthorized);

        var error = await Assert.ThrowsAsync<SourceException>(() => History(_hotmart.Api()));

        Assert.Equal("credentials_invalid", error.ErrorCode);
        Assert.Contains("Client ID or Client Secret is wrong", error.Message, StringComparison.Ordinal);
        Assert.Contains("revoked", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connectors:Hotmart:Workspaces:acme:ClientId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-xyz", error.Message, StringComparison.Ordinal);
        Assert.Empty(_hotmart.To(HotmartApiHarness.HistoryUrl));
    }

    [Fact]
    public async Task A_failed_token_request_is_not_cached_so_fixed_credentials_work_at_once()
    {
        _hotmart.TokenAnswer = () => HotmartApiHarness.Json("{}", HttpStatusCode.Unauthorized);
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(_ => HotmartApiHarness.Json(EmptyPage));
        await Assert.ThrowsAsync<SourceException>(() => History(_hotmart.Api()));

        _hotmart.TokenAnswer = null;
        await History(_hotmart.Api());

        Assert.Equal(["tok-1"], _hotmart.TokensIssued);
    }

    [Fact]
    public async Task Every_request_token_included_is_tagged_with_its_workspace_for_the_rate_limit()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.UsersUrl).Respond(_ => HotmartApiHarness.Json(EmptyPage));

        await _hotmart.Api().GetSalesUsersAsync("acme", new SalesQuery { Transaction = "HP1" }, CancellationToken.None)
            .ContentOrThrowAsync(HotmartApi.Errors, "acme");

        Assert.Equal(2, _hotmart.Sent.Count);
        Assert.All(_hotmart.Sent, r => Assert.Equal("acme", r.Workspace));
    }

    [Fact]
    public async Task The_sales_filters_are_sent_with_dates_in_epoch_milliseconds()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(_ => HotmartApiHarness.Json(EmptyPage));
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await History(_hotmart.Api(), new SalesQuery
        {
            MaxResults = 50, PageToken = "eyJyb3dzIjo1LCJwYWdlIjozfQ==", StartDate = start, EndDate = start.AddDays(30), TransactionStatus = "REFUNDED",
        });

        var query = Assert.Single(_hotmart.To(HotmartApiHarness.HistoryUrl)).Query;
        Assert.Equal("50", query["max_results"]);
        Assert.Equal("eyJyb3dzIjo1LCJwYWdlIjozfQ==", query["page_token"]);
        Assert.Equal("1704067200000", query["start_date"]);
        Assert.Equal("1706659200000", query["end_date"]);
        Assert.Equal("REFUNDED", query["transaction_status"]);
    }

    [Fact]
    public async Task Sales_users_participants_are_read_with_the_buyer_picked_by_role()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.UsersUrl).Respond(_ => HotmartApiHarness.Json("""
            {"items":[{"transaction":"HP1","product":{"id":178598},"users":[
              {"role":"PRODUCER","user":{"ucode":"p","name":"Producer","email":"producer@example.com"}},
              {"role":"BUYER","user":{"ucode":"b","name":"Buyer","email":"buyer@example.com","cellphone":11999999999,
                "documents":[{"value":"68658197646","type":"CPF"}],"address":{"city":"Campo Grande","zip_code":"1213454"}}}]}],
             "page_info":{"total_results":1}}
            """));

        var page = (await _hotmart.Api().GetSalesUsersAsync("acme", new SalesQuery { Transaction = "HP1" }, CancellationToken.None)
            .ContentOrThrowAsync(HotmartApi.Errors, "acme"))!;

        var buyer = Assert.Single(page.Items).Buyer!;
        Assert.Equal("buyer@example.com", buyer.Email);
        Assert.Equal("11999999999", buyer.Cellphone); // a number in the JSON, read as text
        Assert.Equal("68658197646", Assert.Single(buyer.Documents!).Value);
        Assert.Equal("1213454", buyer.Address!.ZipCode);
    }

    [Fact]
    public async Task An_empty_200_answer_reads_as_an_empty_page()
    {
        _hotmart.Http.When(HttpMethod.Get, HotmartApiHarness.HistoryUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK));

        var page = await History(_hotmart.Api());

        Assert.Empty(page.Items);
        Assert.Null(page.PageInfo);
    }

    [Fact]
    public void Missing_api_credentials_fail_with_credentials_missing_naming_the_settings()
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["acme:Hottok"] = "h" }).Build().GetSection("acme");

        var error = Assert.Throws<SourceException>(() => HotmartAccount.From("acme", section));

        Assert.Equal("credentials_missing", error.ErrorCode);
        Assert.Contains("Connectors:Hotmart:Workspaces:acme:ClientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_never_prints_its_client_secret() =>
        Assert.DoesNotContain("secret-xyz", _hotmart.Account.ToString(), StringComparison.Ordinal);
}
