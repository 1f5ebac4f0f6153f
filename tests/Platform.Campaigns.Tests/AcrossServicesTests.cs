using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using Npgsql;
using Platform.Contracts.Connectors;
using Platform.Contracts.Records;
using Platform.Testing;

namespace Platform.Campaigns.Tests;

/// <summary>
/// identity-resolution, aggregation and campaigns as real processes on one database and virtual host, a real SMTP
/// server, and Hotmart purchases published as the connector stages them. The campaigns process is killed with
/// SIGKILL in the middle of an execution and started again.
/// </summary>
public sealed partial class AcrossServicesTests : IAsyncLifetime
{
    private const int AtRisk = 40;
    private readonly string _workspace = CampaignsFixture.NewWorkspace();
    private TestDatabase _database = null!;
    private TestVirtualHost _virtualHost = null!;
    private SmtpServer _smtp = null!;
    private IBusControl _publisher = null!;
    private readonly List<ServiceProcess> _services = [];
    private Dictionary<string, string?> _common = null!;

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("campaigns_e2e");
        _virtualHost = await TestVirtualHost.CreateAsync("campaigns-e2e");
        _smtp = await SmtpServer.StartAsync();
        _common = new Dictionary<string, string?>(_virtualHost.Settings().Select(s =>
            new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
        {
            ["ConnectionStrings__Platform"] = _database.ConnectionString,
        };
        foreach (var (key, value) in CampaignsFixture.Settings(_smtp.Port))
        {
            _common[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        // Slow enough that the kill lands mid-execution, as an SMTP provider's rate limit would make it.
        _common["Campaigns__Delivery__MaxPerSecond"] = "20";
        _common["Campaigns__Delivery__BatchSize"] = "10";
        _services.Add(await ServiceProcess.StartAsync("identity-resolution", "Platform.IdentityResolution", _common));
        _services.Add(await ServiceProcess.StartAsync("aggregation", "Platform.Aggregation", _common));
        _services.Add(await ServiceProcess.StartAsync("campaigns", "Platform.Campaigns", _common));
        _publisher = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestEnvironment.RabbitHost, TestEnvironment.RabbitPort, _virtualHost.Name, h =>
        {
            h.Username(TestEnvironment.RabbitUser);
            h.Password(TestEnvironment.RabbitPassword);
        }));
        await _publisher.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    private ServiceProcess Campaigns => _services.Last(s => s.Name == "campaigns");

    private HttpClient Http() => TestCallers.DirectClient(Campaigns.Address, TimeSpan.FromSeconds(30), new HttpClientHandler { AllowAutoRedirect = false });

    private static RawRecordStaged Purchase(string workspace, string email, string name, string externalId, DateTimeOffset at, long rawId) => new()
    {
        WorkspaceId = workspace,
        CorrelationId = Guid.NewGuid(),
        Source = "hotmart",
        RawRecordId = rawId,
        StagedAt = DateTimeOffset.UtcNow,
        Record = new CanonicalRecord
        {
            Source = "hotmart",
            EntityType = EntityType.Purchase,
            ExternalId = externalId,
            SourceUpdatedAt = at,
            Identifiers = [new Identifier(IdentifierKinds.Email, email)],
            Person = new PersonFields { FullName = name + " Souza", FirstName = name },
            Money = new MoneyFields { Amount = 97m, Currency = "BRL", Status = "APPROVED", OccurredAt = at, Product = "Curso" },
        },
    };

    [Fact]
    public async Task A_churn_risk_campaign_across_the_real_services_survives_a_kill_9_mid_execution_and_sends_nobody_twice()
    {
        var now = DateTimeOffset.UtcNow;
        var staged = new List<RawRecordStaged>();
        var audience = new List<string>();
        long raw = 0;
        for (var i = 0; i < AtRisk; i++)
        {
            var email = $"risco{i}.{_workspace}@example.com";
            audience.Add(email);
            // Monthly buyers, silent for 120 days: four times their rhythm.
            for (var p = 0; p < 4; p++)
            {
                staged.Add(Purchase(_workspace, email, $"Cliente{i}", $"HP{i}-{p}", now.AddDays(-120 - (30 * p)), ++raw));
            }
        }
        for (var i = 0; i < 5; i++)
        {
            for (var p = 0; p < 4; p++)
            {
                staged.Add(Purchase(_workspace, $"ativo{i}.{_workspace}@example.com", $"Ativo{i}", $"HA{i}-{p}", now.AddDays(-5 - (30 * p)), ++raw));
            }
        }
        await Task.WhenAll(staged.Select(m => _publisher.Publish(m)));

        using var http = Http();
        var query = $"?workspaceId={_workspace}";
        var definition = new { churnRisk = new[] { "high" }, hasEmail = true };
        await CampaignsFixture.EventuallyAsync(async () =>
        {
            using var preview = await http.PostAsJsonAsync(new Uri("/api/audiences/preview" + query, UriKind.Relative), definition);
            var size = await preview.Content.ReadFromJsonAsync<JsonElement>();
            return size.GetProperty("total").GetInt64() == AtRisk;
        }, $"{AtRisk} clients at high churn risk with an email in campaigns' audience copy", TimeSpan.FromMinutes(2));

        using var created = await http.PostAsJsonAsync(new Uri("/api/campaigns" + query, UriKind.Relative),
            new { name = "Reconquista", workflowData = Canvas.Simple(new { kind = "manual" }, new { definition }) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var launched = await http.PostAsync(new Uri($"/api/campaigns/{campaign}/executions{query}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, launched.StatusCode);
        var execution = (await launched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("executionId").GetGuid();

        // SIGKILL once some have gone out and before all have.
        await _smtp.WaitForAsync(audience, 10);
        var victim = Campaigns;
        await victim.DisposeAsync();
        var atKill = _smtp.To(audience).Count;
        Assert.InRange(atKill, 10, AtRisk - 1);
        _services.Remove(victim);
        _services.Add(await ServiceProcess.StartAsync("campaigns", "Platform.Campaigns", _common));

        using var again = Http();
        await CampaignsFixture.EventuallyAsync(async () =>
        {
            var e = await again.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/executions/{execution}{query}");
            return e.GetProperty("status").GetString() == "completed";
        }, "the execution to complete after the restart", TimeSpan.FromMinutes(2));

        var received = _smtp.To(audience.Append($"ativo0.{_workspace}@example.com")).Select(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(received.Count, received.Distinct(StringComparer.OrdinalIgnoreCase).Count()); // nobody twice
        Assert.All(received, r => Assert.Contains(r, audience));
        var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { SearchPath = "campaigns" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand("select email, status, coalesce(failure_reason, '') from campaign_recipients where execution_id = @e", connection);
        rows.Parameters.AddWithValue("e", execution);
        var recipients = new List<(string Email, string Status, string Reason)>();
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                recipients.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        Assert.Equal(audience.Order(StringComparer.Ordinal), recipients.Select(r => r.Email).Order(StringComparer.Ordinal));
        // Every delivered recipient got exactly one message; at most the one in flight at the kill is failed as
        // interrupted (never resent), and nobody else is missing.
        Assert.All(recipients.Where(r => r.Status == "delivered"), r => Assert.Contains(r.Email, received));
        var interrupted = recipients.Where(r => r.Status == "failed").ToList();
        Assert.InRange(interrupted.Count, 0, 1);
        Assert.All(interrupted, r => Assert.Contains("interrupted", r.Reason, StringComparison.Ordinal));
        Assert.Equal(AtRisk - interrupted.Count, recipients.Count(r => r.Status == "delivered"));

        // Opening and clicking move the recipients and campaign_metrics.
        var messages = _smtp.To(audience).Where(m => recipients.Any(r => r.Status == "delivered" && r.Email == m.To.Mailboxes.Single().Address)).ToList();
        foreach (var message in messages.Take(10))
        {
            var links = Href().Matches(message.HtmlBody!).Select(m => m.Groups[1].Value).ToList();
            var pixel = Regex.Match(message.HtmlBody!, "src=\"([^\"]+)\"").Groups[1].Value;
            using (await again.GetAsync(new Uri(new Uri(pixel).PathAndQuery, UriKind.Relative)))
            {
            }
            if (messages.IndexOf(message) < 4)
            {
                using var click = await again.GetAsync(new Uri(new Uri(links[0]).PathAndQuery, UriKind.Relative));
                Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            }
        }
        var metrics = await again.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/metrics{query}");
        var delivered = AtRisk - interrupted.Count;
        Assert.Equal(delivered, metrics.GetProperty("delivered").GetInt64());
        Assert.Equal(10, metrics.GetProperty("opened").GetInt64());
        Assert.Equal(4, metrics.GetProperty("clicked").GetInt64());
        Assert.Equal(Math.Round(10m / delivered, 4), metrics.GetProperty("openRate").GetDecimal());
        Assert.Equal(Math.Round(4m / delivered, 4), metrics.GetProperty("clickRate").GetDecimal());
        Assert.Equal(Math.Round((decimal)delivered / AtRisk, 4), metrics.GetProperty("deliveryRate").GetDecimal());
    }

    [Fact]
    public async Task An_abandoned_cart_postback_sent_to_connector_hotmart_reaches_the_person_within_a_minute_once()
    {
        const string hottok = "hottok-campaigns-across-services";
        var connector = new Dictionary<string, string?>(_common) { [$"Connectors__Hotmart__Workspaces__{_workspace}__Hottok"] = hottok };
        var hotmart = await ServiceProcess.StartAsync("connector-hotmart", "Platform.Connectors.Hotmart", connector);
        _services.Insert(0, hotmart);

        using var http = Http();
        var query = $"?workspaceId={_workspace}";
        using var created = await http.PostAsJsonAsync(new Uri("/api/campaigns" + query, UriKind.Relative), new
        {
            name = "Carrinho abandonado",
            workflowData = Canvas.Simple(new { kind = "event", @event = "cart_abandoned" }, new { definition = new { hasEmail = true } },
                Canvas.Email("Você esqueceu algo, {{first_name}}", """<p><a href="https://pay.hotmart.com/X?checkoutMode=10">finalizar</a></p>""")),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using (var activated = await http.PostAsync(new Uri($"/api/campaigns/{campaign}/activate{query}", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        }

        // Hotmart's own example of the postback, for a buyer of this test.
        var email = $"carrinho.{_workspace}@example.com";
        var sample = Path.Combine(TestEnvironment.VendorSamples, "hotmart", "raw-purchase_out_of_shopping_cart-v2.json");
        var postback = JsonNode.Parse(await File.ReadAllTextAsync(sample))!;
        postback["id"] = Guid.NewGuid().ToString();
        postback["creation_date"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        postback["data"]!["buyer"]!["email"] = email;
        postback["data"]!["buyer"]!["name"] = "Ana Souza";
        var body = postback.ToJsonString();
        using var vendor = new HttpClient { BaseAddress = hotmart.Address, Timeout = TimeSpan.FromSeconds(30) };
        async Task<HttpStatusCode> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/hotmart/{_workspace}")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-HOTMART-HOTTOK", hottok);
            using var response = await vendor.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync());
        var received = await _smtp.WaitForAsync([email], 1, TimeSpan.FromMinutes(1));
        Assert.StartsWith("Você esqueceu algo, Ana", Assert.Single(received).Subject, StringComparison.Ordinal);

        // Hotmart retries a postback it thinks failed: the same one again starts nothing twice.
        Assert.Equal(HttpStatusCode.OK, await SendAsync());
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(_smtp.To([email]));
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.StopAsync();
        }
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
        if (_virtualHost is not null)
        {
            await _virtualHost.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
