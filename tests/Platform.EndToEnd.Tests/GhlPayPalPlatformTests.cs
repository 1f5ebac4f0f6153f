using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

public class GhlPayPalPlatformTests(GhlPayPalPlatformFixture platform, ITestOutputHelper output) : IClassFixture<GhlPayPalPlatformFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Operators_sync_gohighlevel_and_paypal_through_the_gateway_and_read_their_clients_and_sales()
    {
        var ghlRun = await StartSyncAsync(new { workspaceId = GhlPayPalPlatformFixture.Demo, source = "gohighlevel", mode = "full" });
        var paypalRun = await StartSyncAsync(new { workspaceId = GhlPayPalPlatformFixture.Demo, source = "paypal", mode = "full" });

        foreach (var location in new[] { ghlRun, paypalRun })
        {
            var run = await Eventually(() => GetAsync(location), r => r.GetProperty("status").GetString() is "succeeded" or "failed", $"{location} ends");
            Assert.True(run.GetProperty("status").GetString() == "succeeded", $"run ended {run}{Environment.NewLine}{platform.Logs()}");
        }

        // Each source's sales reach the workspace, attached to clients.
        foreach (var source in new[] { "gohighlevel", "paypal" })
        {
            var sales = await Eventually(
                async () => (await GetAsync($"/api/sales?workspaceId=demo&source={source}&pageSize=100")).GetProperty("items").EnumerateArray().ToList(),
                items => items.Count(s => s.GetProperty("clientId").ValueKind == JsonValueKind.String) >= 10, $"demo has {source} sales of clients");
            var client = sales.First(s => s.GetProperty("clientId").ValueKind == JsonValueKind.String).GetProperty("clientId").GetGuid();
            var clientSales = await GetAsync($"/api/customers/{client}/sales");
            Assert.Contains(clientSales.GetProperty("items").EnumerateArray(), s => s.GetProperty("source").GetString() == source);
            output.WriteLine($"{source}: {sales.Count} sales on the first page; client {client}: {clientSales.GetProperty("totals")}");
        }
        var top = await Eventually(
            async () => (await GetAsync("/api/reports/top-customers?workspaceId=demo&currency=BRL&limit=3")).GetProperty("items").EnumerateArray().ToList(),
            items => items.Count > 0, "demo has customers with BRL sales");
        var clients = (await GetAsync("/api/clients?workspaceId=demo&pageSize=200")).GetProperty("items").GetArrayLength();
        Assert.True(clients > 0);
        output.WriteLine($"demo: {clients} clients on the first page; best customer {top[0]}");
    }

    [Fact]
    public async Task A_refund_and_a_reversal_of_one_payment_net_against_it_in_its_currency_whichever_arrives_first()
    {
        var paidAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-10).AddHours(14), TimeSpan.Zero);
        var results = new List<decimal>();
        foreach (var workspace in GhlPayPalPlatformFixture.NettingWorkspaces)
        {
            var email = $"{workspace}@exemplo.com.br";
            using (var scenario = await platform.SimulatorAdmin.PostAsJsonAsync("_simulator/paypal/scenario", new
            {
                clientId = GhlPayPalPlatformFixture.ClientOf(workspace), email, amount = 200.00m, currency = "BRL", refund = 50.00m, reversal = 30.00m, paidAt,
            }))
            {
                Assert.True(scenario.IsSuccessStatusCode, await scenario.Content.ReadAsStringAsync());
            }
            // In order: the whole day at once (payment, then refund, then reversal). Reversed: the refund and the
            // reversal first, then, in a second run, the payment they point at.
            object[] runs = workspace == "pp-net-in-order"
                ? [new { workspaceId = workspace, source = "paypal", mode = "full", streams = new[] { "transactions" }, from = paidAt.AddHours(-1), to = paidAt.AddHours(3) }]
                :
                [
                    new { workspaceId = workspace, source = "paypal", mode = "full", streams = new[] { "transactions" }, from = paidAt.AddMinutes(30), to = paidAt.AddHours(3) },
                    new { workspaceId = workspace, source = "paypal", mode = "full", streams = new[] { "transactions" }, from = paidAt.AddHours(-1), to = paidAt.AddMinutes(30) },
                ];
            foreach (var body in runs)
            {
                var location = await StartSyncAsync(body);
                var run = await Eventually(() => GetAsync(location), r => r.GetProperty("status").GetString() is "succeeded" or "failed", $"{location} ends");
                Assert.True(run.GetProperty("status").GetString() == "succeeded", $"run ended {run}");
                if (runs.Length > 1)
                {
                    // Let the refunds reach aggregation before their payment does.
                    await Eventually(async () => (await GetAsync($"/api/clients?workspaceId={workspace}&q={Uri.EscapeDataString(email)}")).GetProperty("items").GetArrayLength(),
                        n => n > 0, "the refunds made a client");
                }
            }
            var clients = await Eventually(async () => (await GetAsync($"/api/clients?workspaceId={workspace}&q={Uri.EscapeDataString(email)}")).GetProperty("items")
                .EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList(), ids => ids.Count == 1, $"one client for {email}");
            var client = clients[0];
            var totals = await Eventually(
                async () => await GetAsync($"/api/customers/{client}/sales") is { ValueKind: JsonValueKind.Object } s
                    ? s.GetProperty("totals").EnumerateArray().ToList() : [],
                t => t.Count == 1 && t[0].GetProperty("totalRevenue").GetDecimal() == 120.00m,
                $"{workspace}: the client's BRL revenue nets to 200.00 - 50.00 - 30.00");
            Assert.Equal("BRL", totals[0].GetProperty("currency").GetString());
            results.Add(totals[0].GetProperty("totalRevenue").GetDecimal());
            output.WriteLine($"{workspace}: {totals[0]}");
        }
        Assert.Equal([120.00m, 120.00m], results);
    }

    private async Task<string> StartSyncAsync(object body)
    {
        using var response = await platform.Api.PostAsJsonAsync("api/syncs", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"POST /api/syncs: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}{Environment.NewLine}{platform.Logs()}");
        return response.Headers.Location!.OriginalString;
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await platform.Api.GetAsync(path.TrimStart('/'));
        if (response.StatusCode == HttpStatusCode.NotFound && path.StartsWith("/api/customers/", StringComparison.Ordinal))
        {
            return default;
        }
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Timed out waiting until {what}; last: {value}{Environment.NewLine}{platform.Logs()}"));
            }
            await Task.Delay(250);
        }
    }
}
