using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.IdentityResolution;
using static Platform.Aggregation.Tests.LinkedRecords;

namespace Platform.Aggregation.Tests;

[Collection(AggregationHost.Name)]
public sealed class ReportTests(AggregationFixture service)
{
    /// <summary>A generated sale and whether it counts (won deal or paid purchase).</summary>
    private sealed record Generated(Guid Client, DateTimeOffset At, string Currency, decimal Amount, bool Counts, RecordLinked Message);

    /// <summary>Deals and purchases of 30 clients over 2021–2024, in two currencies, with every kind of status.</summary>
    private static List<Generated> Generate(string workspace, int seed, int count)
    {
        var random = new Random(seed);
        var clients = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();
        var start = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var generated = new List<Generated>();
        for (var i = 0; i < count; i++)
        {
            var client = clients[random.Next(clients.Count)];
            var at = start.AddMinutes(random.Next(0, 4 * 365 * 24 * 60));
            var currency = random.Next(4) == 0 ? "USD" : "BRL";
            var amount = Math.Round((decimal)(random.NextDouble() * 2000) + 1, 2);
            if (random.Next(3) == 0)
            {
                var status = new[] { "won", "lost", "open" }[random.Next(3)];
                generated.Add(new(client, at, currency, amount, status == "won",
                    Linked(workspace, client, PloomesDeal($"G{i}", status, amount, at, at, currency))));
            }
            else
            {
                var status = new[] { "APPROVED", "COMPLETE", "REFUNDED", "CHARGEBACK", "WAITING_PAYMENT", "CANCELLED" }[random.Next(6)];
                generated.Add(new(client, at, currency, amount, status is "APPROVED" or "COMPLETE",
                    Linked(workspace, client, HotmartPurchase($"G{i}", status, amount, at, at, currency))));
            }
        }
        return generated;
    }

    [Fact]
    public async Task Sales_per_year_matches_the_generated_data()
    {
        var workspace = NewWorkspace();
        var generated = Generate(workspace, seed: 7, count: 400);
        await service.PublishAndSettleAsync(workspace, generated.Select(g => g.Message));

        var report = await service.GetJsonAsync<PageDto<SalesYearDto>>($"/api/reports/sales-per-year?workspaceId={workspace}");

        var expected = generated.Where(g => g.Counts).GroupBy(g => g.At.Year).OrderBy(y => y.Key).Select(y => new
        {
            Year = y.Key,
            Sales = y.Count(),
            Customers = y.Select(g => g.Client).Distinct().Count(),
            Revenue = y.GroupBy(g => g.Currency).OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => (c.Key, c.Count(), c.Sum(g => g.Amount), c.Select(g => g.Client).Distinct().Count())).ToList(),
        }).ToList();
        Assert.Equal([2021, 2022, 2023, 2024], report.Items.Select(i => i.Year).ToList());
        Assert.Equal(4, report.Total);
        Assert.Equal(
            expected.Select(e => (e.Year, e.Sales, e.Customers, string.Join(";", e.Revenue))).ToList(),
            report.Items.Select(i => (i.Year, i.Sales, i.Customers,
                string.Join(";", i.Revenue.Select(r => (r.Currency, r.Sales, r.Revenue, r.Customers))))).ToList());

        // In São Paulo time a sale at 01:00 UTC on 1 January belongs to the year before.
        var edge = NewWorkspace();
        await service.PublishAndSettleAsync(edge, [Linked(edge, Guid.NewGuid(), HotmartPurchase("NY", "APPROVED", 10m, new DateTimeOffset(2024, 1, 1, 1, 0, 0, TimeSpan.Zero)))]);
        var local = await service.GetJsonAsync<PageDto<SalesYearDto>>($"/api/reports/sales-per-year?workspaceId={edge}&timeZone=America/Sao_Paulo");
        Assert.Equal(2023, Assert.Single(local.Items).Year);
    }

    [Fact]
    public async Task Top_customers_rank_clients_by_revenue_in_one_currency_and_customers_with_sales_since_a_date_are_exactly_those_who_bought_since()
    {
        var workspace = NewWorkspace();
        var generated = Generate(workspace, seed: 11, count: 300);
        await service.PublishAndSettleAsync(workspace, generated.Select(g => g.Message));

        var expectedTop = generated.Where(g => g.Counts && g.Currency == "BRL").GroupBy(g => g.Client)
            .Select(c => (Client: c.Key, Revenue: c.Sum(g => g.Amount), Sales: c.Count()))
            .OrderByDescending(c => c.Revenue).ThenByDescending(c => c.Sales).ThenBy(c => c.Client).ToList();
        var top = await service.GetJsonAsync<PageDto<TopCustomerDto>>($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL&limit=5");
        Assert.Equal((5, expectedTop.Count), (top.PageSize, top.Total));
        Assert.Equal(expectedTop.Take(5).Select((c, i) => (i + 1, c.Client, c.Revenue, c.Sales)).ToList(),
            top.Items.Select(t => (t.Rank, t.ClientId, t.TotalRevenue, t.TotalSales)).ToList());
        var second = await service.GetJsonAsync<PageDto<TopCustomerDto>>($"/api/reports/top-customers?workspaceId={workspace}&currency=BRL&limit=5&page=2");
        Assert.Equal(expectedTop.Skip(5).Take(5).Select(c => c.Client).ToList(), second.Items.Select(t => t.ClientId).ToList());
        Assert.Equal(6, second.Items[0].Rank);

        var since = new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var recent = generated.Where(g => g.Counts && g.At >= since).GroupBy(g => g.Client).ToDictionary(c => c.Key, c => c.ToList());
        var listed = await service.GetJsonAsync<PageDto<CustomerSinceDto>>(
            $"/api/reports/customers-with-sales-since?workspaceId={workspace}&since=2024-07-01&pageSize=200");
        Assert.Equal(recent.Count, listed.Total);
        Assert.Equal(recent.Keys.Order().ToList(), listed.Items.Select(c => c.ClientId).Order().ToList());
        Assert.All(listed.Items, c =>
        {
            var sales = recent[c.ClientId];
            Assert.Equal(sales.Count, c.Sales);
            Assert.Equal(sales.Max(s => s.At), c.LastSaleAt);
            Assert.Equal(
                sales.GroupBy(s => s.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(s => s.Amount))).ToList(),
                c.Revenue.Select(r => (r.Currency, r.Revenue)).ToList());
        });
        Assert.True(listed.Items.Zip(listed.Items.Skip(1)).All(p => p.First.LastSaleAt >= p.Second.LastSaleAt), "most recent first");
    }

    [Theory]
    [InlineData("/api/reports/sales-per-year", "workspaceId")]
    [InlineData("/api/reports/sales-per-year?workspaceId=w&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("/api/reports/top-customers?workspaceId=w", "currency")]
    [InlineData("/api/reports/top-customers?workspaceId=w&currency=REAIS", "currency")]
    [InlineData("/api/reports/top-customers?workspaceId=w&currency=BRL&limit=0", "limit")]
    [InlineData("/api/reports/customers-with-sales-since?workspaceId=w", "since")]
    [InlineData("/api/reports/customers-with-sales-since?workspaceId=w&since=yesterday", "since")]
    [InlineData("/api/cs-customers", "workspaceId")]
    [InlineData("/api/cs-customers?workspaceId=w&status=happy", "status")]
    [InlineData("/api/sales?workspaceId=w&pageSize=500", "pageSize")]
    [InlineData("/api/sales?workspaceId=w&kind=gift", "kind")]
    [InlineData("/api/sales", "workspaceId")]
    public async Task Invalid_requests_get_a_ProblemDetails_naming_the_parameter(string path, string parameter)
    {
        using var response = await service.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDto>();
        Assert.True(problem!.Errors!.ContainsKey(parameter), $"errors name {string.Join(", ", problem.Errors.Keys)}");
        Assert.Contains(parameter, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_client_or_sale_is_a_404_ProblemDetails()
    {
        foreach (var path in new[] { $"/api/customers/{Guid.NewGuid()}/360", $"/api/customers/{Guid.NewGuid()}/sales", "/api/sales/999999999", $"/api/cs-customers/{Guid.NewGuid()}" })
        {
            using var response = await service.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
