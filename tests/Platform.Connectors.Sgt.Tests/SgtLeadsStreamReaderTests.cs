using System.Net;
using Platform.Connectors.Backfill;
using Platform.Contracts.Syncs;
using RichardSzalay.MockHttp;

namespace Platform.Connectors.Sgt.Tests;

public sealed class SgtLeadsStreamReaderTests : IDisposable
{
    private readonly SgtApiHarness _sgt = new();

    public void Dispose() => _sgt.Dispose();

    [Fact]
    public async Task A_full_sync_pages_through_every_lead_with_the_workspaces_token_and_company()
    {
        _sgt.Http.Expect(HttpMethod.Get, SgtApiHarness.BaseAddress + "api/leads")
            .WithExactQueryString("empresa=tokeniza&page=1&per_page=200")
            .WithHeaders("Authorization", "Bearer tok-tokeniza")
            .Respond("application/json", SgtApiHarness.Fixture("leads-page-1.json"));
        _sgt.Http.Expect(HttpMethod.Get, SgtApiHarness.BaseAddress + "api/leads")
            .WithExactQueryString("empresa=tokeniza&page=2&per_page=200")
            .Respond("application/json", SgtApiHarness.Fixture("leads-page-2.json"));

        var first = await _sgt.Leads.ReadPageAsync(_sgt.Context(), null, CancellationToken.None);
        var second = await _sgt.Leads.ReadPageAsync(_sgt.Context(), first.NextCursor, CancellationToken.None);

        _sgt.Http.VerifyNoOutstandingExpectation();
        Assert.Equal("leads", _sgt.Leads.Name);
        Assert.Equal("2", first.NextCursor);
        Assert.Null(second.NextCursor);
        Assert.Equal(["2000017", "2000018", "2000019"], first.Records.Concat(second.Records).Select(r => r.Record.ExternalId));
        Assert.Contains("\"Conceição Araújo Ribeiro\"", first.Records[0].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incremental_sync_asks_for_leads_updated_since_the_watermark()
    {
        _sgt.Http.Expect(HttpMethod.Get, SgtApiHarness.BaseAddress + "api/leads")
            .WithExactQueryString("empresa=tokeniza&page=1&per_page=200&updated_since=2026-11-30T17%3A12%3A05Z")
            .Respond("application/json", SgtApiHarness.Fixture("leads-page-2.json"));

        var page = await _sgt.Leads.ReadPageAsync(
            _sgt.Context(mode: SyncMode.Incremental, since: new DateTimeOffset(2026, 11, 30, 14, 12, 5, TimeSpan.FromHours(-3))), null, CancellationToken.None);

        _sgt.Http.VerifyNoOutstandingExpectation();
        Assert.Single(page.Records);
    }

    [Fact]
    public async Task A_date_range_leaves_out_leads_updated_at_or_after_its_end_but_counts_them_as_read()
    {
        _sgt.Http.When(SgtApiHarness.BaseAddress + "api/leads").Respond("application/json", SgtApiHarness.Fixture("leads-page-1.json"));

        var page = await _sgt.Leads.ReadPageAsync(
            _sgt.Context(since: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), until: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)),
            null, CancellationToken.None);

        Assert.Equal(["2000018"], page.Records.Select(r => r.Record.ExternalId));
        Assert.Equal(2, page.Fetched);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_and_counted()
    {
        var calls = 0;
        _sgt.Http.When(SgtApiHarness.BaseAddress + "api/leads").Respond(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                {
                    Content = new StringContent("{\"error\":\"rate_limited\",\"message\":\"Limite de 10 requisições por segundo excedido.\"}"),
                };
                throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(0));
                return throttled;
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(SgtApiHarness.Fixture("leads-page-2.json")) };
        });

        var page = await _sgt.Leads.ReadPageAsync(_sgt.Context(), null, CancellationToken.None);

        Assert.Single(page.Records);
        Assert.Equal(2, calls);
        Assert.Equal(1, _sgt.Counters.Snapshot("tk").Retries);
    }

    [Fact]
    public async Task A_rejected_token_fails_the_run_with_credentials_invalid_and_is_not_retried()
    {
        var calls = 0;
        _sgt.Http.When(SgtApiHarness.BaseAddress + "api/leads").Respond(_ =>
        {
            Interlocked.Increment(ref calls);
            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("{\"error\":\"unauthorized\",\"message\":\"Token ausente ou inválido.\"}") };
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => _sgt.Leads.ReadPageAsync(_sgt.Context(), null, CancellationToken.None));

        Assert.Equal("credentials_invalid", error.ErrorCode);
        Assert.Contains("SGT", error.Message, StringComparison.Ordinal);
        Assert.Contains("'tk'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-tokeniza", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_workspace_without_token_or_company_fails_with_credentials_missing_before_calling_sgt()
    {
        var error = await Assert.ThrowsAsync<SourceException>(() => _sgt.Leads.ReadPageAsync(_sgt.Context("nobody"), null, CancellationToken.None));

        Assert.Equal("credentials_missing", error.ErrorCode);
        Assert.Contains("Connectors__Sgt__Workspaces__nobody__Token", error.Message, StringComparison.Ordinal);
    }
}
