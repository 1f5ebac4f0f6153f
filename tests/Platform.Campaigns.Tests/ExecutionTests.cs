using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Platform.Contracts.IdentityResolution;
using Platform.Contracts.Privacy;
using Platform.Contracts.Records;
using static Platform.Campaigns.Tests.CampaignsFixture;

namespace Platform.Campaigns.Tests;

[Collection(CampaignsHost.Name)]
public sealed partial class ExecutionTests(CampaignsFixture service)
{
    private sealed record Metrics(Guid CampaignId, string Name, long TotalRecipients, long Sent, long Delivered, long Opened, long Clicked, long Failed,
        decimal? DeliveryRate, decimal? OpenRate, decimal? ClickRate);

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    [GeneratedRegex("src=\"([^\"]+\\.gif)\"")]
    private static partial Regex Pixel();

    /// <summary>Seeds people at high churn risk with an email (and others who must not be reached); returns the audience's emails.</summary>
    private async Task<List<string>> SeedChurnRiskAsync(string workspace, int atRisk)
    {
        var messages = new List<object>();
        var expected = new List<string>();
        for (var i = 0; i < atRisk; i++)
        {
            var email = $"risco{i}.{workspace}@example.com";
            expected.Add(email);
            messages.AddRange(Person(workspace, Guid.NewGuid(), email, purchases: 4, everyDays: 30, lastDaysAgo: 120, firstName: $"Cliente{i}"));
        }
        messages.AddRange(Person(workspace, Guid.NewGuid(), $"ativo.{workspace}@example.com", purchases: 4, everyDays: 30, lastDaysAgo: 5));
        messages.AddRange(Person(workspace, Guid.NewGuid(), null, purchases: 4, everyDays: 30, lastDaysAgo: 120));
        messages.AddRange(Person(workspace, Guid.NewGuid(), $"lead.{workspace}@example.com"));
        await service.SeedAsync(workspace, messages);
        return expected;
    }

    private async Task<(Guid Campaign, Guid Execution)> LaunchAsync(string workspace, object workflow)
    {
        var campaign = await service.PostJsonAsync($"/api/campaigns?workspaceId={workspace}", new { name = "Reconquista", workflowData = workflow },
            HttpStatusCode.Created);
        var id = campaign.GetProperty("id").GetGuid();
        var launch = await service.PostJsonAsync($"/api/campaigns/{id}/executions?workspaceId={workspace}", new { }, HttpStatusCode.Accepted);
        return (id, launch.GetProperty("executionId").GetGuid());
    }

    private async Task<JsonElement> WaitForExecutionAsync(string workspace, Guid campaign, Guid execution)
    {
        JsonElement last = default;
        await EventuallyAsync(async () =>
        {
            last = await service.GetJsonAsync<JsonElement>($"/api/campaigns/{campaign}/executions/{execution}?workspaceId={workspace}");
            return last.GetProperty("status").GetString() == "completed";
        }, $"execution {execution} to complete");
        return last;
    }

    private static string Path(string trackingUrl) => new Uri(trackingUrl).PathAndQuery;

    [Fact]
    public async Task A_campaign_to_customers_at_high_churn_risk_with_an_email_reaches_exactly_them_and_tracking_moves_the_metrics()
    {
        var workspace = NewWorkspace();
        var expected = await SeedChurnRiskAsync(workspace, atRisk: 10);
        var (campaign, execution) = await LaunchAsync(workspace,
            Canvas.Simple(new { kind = "manual" }, new { definition = new { churnRisk = new[] { "high" }, hasEmail = true } }));

        var done = await WaitForExecutionAsync(workspace, campaign, execution);
        Assert.Equal(10, done.GetProperty("recipients").GetProperty("delivered").GetInt64());
        var everyone = new[] { $"ativo.{workspace}@example.com", $"lead.{workspace}@example.com" }.Concat(expected);
        var received = service.Smtp.To(everyone);
        Assert.Equal(expected.Order(StringComparer.Ordinal), received.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        var first = received.Single(m => m.To.Mailboxes.Single().Address == expected[0]);
        Assert.Equal("Sentimos sua falta, Cliente0", first.Subject);

        // Four open the email, two of them click a link (one of those never loaded the pixel: a click is an open too).
        var html = (IEnumerable<MimeMessage>)received.OrderBy(m => m.To.Mailboxes.Single().Address, StringComparer.Ordinal).ToList();
        var messages = html.ToList();
        for (var i = 0; i < 3; i++)
        {
            var pixel = Pixel().Match(messages[i].HtmlBody!).Groups[1].Value;
            Assert.StartsWith(TrackingBase + "/t/o/", pixel, StringComparison.Ordinal);
            using var open = await service.Http.GetAsync(new Uri(Path(pixel), UriKind.Relative));
            Assert.Equal("image/gif", open.Content.Headers.ContentType?.MediaType);
            using var again = await service.Http.GetAsync(new Uri(Path(pixel), UriKind.Relative));
        }
        foreach (var message in new[] { messages[0], messages[3] })
        {
            var links = Href().Matches(message.HtmlBody!).Select(m => m.Groups[1].Value).Where(l => l.Contains("/t/c/", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, links.Count);
            using var click = await service.Http.GetAsync(new Uri(Path(links[1]), UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal("https://loja.example.com/ofertas", click.Headers.Location!.ToString());
        }
        using var forged = await service.Http.GetAsync(new Uri(Path(Href().Matches(messages[0].HtmlBody!)[0].Groups[1].Value).Replace("/0", "/7", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

        var metrics = await service.GetJsonAsync<Metrics>($"/api/campaigns/{campaign}/metrics?workspaceId={workspace}");
        Assert.Equal((10L, 10L, 10L, 4L, 2L, 0L), (metrics.TotalRecipients, metrics.Sent, metrics.Delivered, metrics.Opened, metrics.Clicked, metrics.Failed));
        Assert.Equal((1.0000m, 0.4000m, 0.2000m), (metrics.DeliveryRate, metrics.OpenRate, metrics.ClickRate));
        var clicked = await service.GetJsonAsync<JsonElement>($"/api/campaigns/{campaign}/executions/{execution}/recipients?workspaceId={workspace}&status=clicked");
        Assert.Equal(2, clicked.GetProperty("total").GetInt32());
        var status = await service.GetJsonAsync<JsonElement>($"/api/campaigns/{campaign}?workspaceId={workspace}");
        Assert.Equal("completed", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_abandoned_cart_from_hotmart_reaches_the_person_within_a_minute_once()
    {
        var workspace = NewWorkspace();
        var campaign = await service.PostJsonAsync($"/api/campaigns?workspaceId={workspace}", new
        {
            name = "Carrinho abandonado",
            workflowData = Canvas.Simple(new { kind = "event", @event = "cart_abandoned" }, new { definition = new { hasEmail = true } },
                Canvas.Email("Você esqueceu algo, {{first_name}}", """<p>Seu carrinho: <a href="https://pay.hotmart.com/X?checkoutMode=10">finalizar</a></p>""")),
        }, HttpStatusCode.Created);
        var id = campaign.GetProperty("id").GetGuid();
        await service.PostJsonAsync($"/api/campaigns/{id}/activate?workspaceId={workspace}", new { }, HttpStatusCode.OK);

        var client = Guid.NewGuid();
        var email = $"carrinho.{workspace}@example.com";
        var cart = new RecordLinked
        {
            WorkspaceId = workspace,
            CorrelationId = Guid.NewGuid(),
            ClientId = client,
            ClientVersion = 1,
            RawRecordId = 1,
            // As connector-hotmart maps a PURCHASE_OUT_OF_SHOPPING_CART postback.
            Record = new CanonicalRecord
            {
                Source = "hotmart",
                EntityType = EntityType.Purchase,
                ExternalId = "cart:evt-" + Guid.NewGuid().ToString("N"),
                SourceUpdatedAt = DateTimeOffset.UtcNow,
                Identifiers = [new Identifier(IdentifierKinds.Email, email.ToUpperInvariant())],
                Person = new PersonFields { FullName = "Ana Souza", FirstName = "Ana" },
                Attributes = new Dictionary<string, string?> { ["event"] = "PURCHASE_OUT_OF_SHOPPING_CART", ["status"] = "abandoned", ["product_name"] = "Curso" },
            },
        };
        var started = DateTime.UtcNow;
        // A backfill brings the cart and the person with its run's others (RecordsLinked, ClientsUpdated); the redelivery below comes alone.
        var person = Person(workspace, client, email, firstName: "Ana").ToList();
        await service.PublishAsync([new RecordsLinked { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), Records = [cart] },
            new ClientsUpdated { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), Clients = person.OfType<ClientUpdated>().ToList() },
            .. person.Where(m => m is not ClientUpdated)]);
        var received = await service.Smtp.WaitForAsync([email], 1, TimeSpan.FromMinutes(1));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(1));
        Assert.StartsWith("Você esqueceu algo", Assert.Single(received).Subject, StringComparison.Ordinal);

        // The same postback redelivered starts nothing twice; the campaign stays active for the next cart.
        await service.PublishAsync([cart]);
        await EventuallyAsync(async () => await service.ScalarAsync<long>(
            "select count(*) from campaign_executions where campaign_id = @c and status = 'completed'", ("c", id)) == 1, "the triggered execution to complete");
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from campaign_executions where campaign_id = @c", ("c", id)));
        Assert.Single(service.Smtp.To([email]));
        var active = await service.GetJsonAsync<JsonElement>($"/api/campaigns/active?workspaceId={workspace}");
        Assert.Equal(1, Assert.Single(active.EnumerateArray()).GetProperty("totalRecipients").GetInt64());
    }

    [Fact]
    public async Task People_who_opted_out_or_were_erased_are_never_messaged()
    {
        var workspace = NewWorkspace();
        var expected = await SeedChurnRiskAsync(workspace, atRisk: 4);
        var audience = new { definition = new { churnRisk = new[] { "high" }, hasEmail = true } };
        var (campaign, execution) = await LaunchAsync(workspace, Canvas.Simple(new { kind = "manual" }, audience));
        await WaitForExecutionAsync(workspace, campaign, execution);
        var messages = await service.Smtp.WaitForAsync(expected, 4);

        // One unsubscribes from the first email; another is erased under LGPD.
        var unsubscribe = Href().Matches(messages.Single(m => m.To.Mailboxes.Single().Address == expected[0]).HtmlBody!)
            .Select(m => m.Groups[1].Value).Single(l => l.Contains("/t/u/", StringComparison.Ordinal));
        using (var response = await service.Http.GetAsync(new Uri(Path(unsubscribe), UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var erased = await service.ScalarAsync<Guid>("select client_id from audience_members where email = @e", ("e", expected[1]));
        await service.PublishAsync([new ClientErased { WorkspaceId = workspace, CorrelationId = Guid.NewGuid(), ClientId = erased, ErasedAt = DateTimeOffset.UtcNow }]);
        await EventuallyAsync(async () => await service.ScalarAsync<long>("select count(*) from audience_members where client_id = @c", ("c", erased)) == 0,
            "the erasure to be applied");
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from campaign_recipients where email = @e", ("e", expected[1])));
        // A late update about the erased person does not bring them back.
        await service.PublishAsync(Person(workspace, erased, expected[1], purchases: 4, everyDays: 30, lastDaysAgo: 120).Select(m => m is ClientUpdated u ? u with { Version = 9 } : m));

        var (_, second) = await LaunchAsync(workspace, Canvas.Simple(new { kind = "manual" }, audience));
        var size = await service.GetJsonAsync<JsonElement>($"/api/campaigns/{campaign}/audience-size?workspaceId={workspace}");
        Assert.Equal(2, size.GetProperty("size").GetProperty("total").GetInt64());
        await EventuallyAsync(async () => service.Smtp.To(expected).Count >= 6, "the second campaign's two emails");
        var counts = service.Smtp.To(expected).GroupBy(m => m.To.Mailboxes.Single().Address).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { [expected[0]] = 1, [expected[1]] = 1, [expected[2]] = 2, [expected[3]] = 2 }, counts);
        Assert.NotEqual(Guid.Empty, second);
    }

    [Fact]
    public async Task A_branch_on_opened_sends_the_follow_up_only_to_those_who_did_not_open_and_a_failing_webhook_marks_the_reason()
    {
        var workspace = NewWorkspace();
        var expected = await SeedChurnRiskAsync(workspace, atRisk: 3);
        var workflow = new
        {
            nodes = new[]
            {
                Canvas.Node("t", "trigger", new { kind = "manual" }),
                Canvas.Node("a", "audience", new { definition = new { churnRisk = new[] { "high" }, hasEmail = true } }),
                Canvas.Node("e1", "channel", Canvas.Email("Primeiro contato")),
                Canvas.Node("w", "wait", new { minutes = 0.05 }),
                Canvas.Node("b", "branch", new { on = "opened" }),
                Canvas.Node("e2", "channel", Canvas.Email("Lembrete")),
                Canvas.Node("hook", "channel", new { channel = "webhook", url = "http://127.0.0.1:9/crm" }),
            },
            edges = new[]
            {
                Canvas.Edge("t", "a"), Canvas.Edge("a", "e1"), Canvas.Edge("e1", "w"), Canvas.Edge("w", "b"),
                Canvas.Edge("b", "e2", "no"), Canvas.Edge("b", "hook", "yes"),
            },
        };
        var (campaign, execution) = await LaunchAsync(workspace, workflow);
        var first = await service.Smtp.WaitForAsync(expected, 3);
        var opener = first.Single(m => m.To.Mailboxes.Single().Address == expected[0]);
        using (await service.Http.GetAsync(new Uri(Path(Pixel().Match(opener.HtmlBody!).Groups[1].Value), UriKind.Relative)))
        {
        }
        await WaitForExecutionAsync(workspace, campaign, execution);
        var reminders = service.Smtp.To(expected).Where(m => m.Subject == "Lembrete").Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Skip(1).Order(StringComparer.Ordinal), reminders);
        var failed = await service.GetJsonAsync<JsonElement>($"/api/campaigns/{campaign}/executions/{execution}/recipients?workspaceId={workspace}&status=failed");
        var hook = Assert.Single(failed.GetProperty("items").EnumerateArray());
        Assert.Equal("webhook", hook.GetProperty("channel").GetString());
        Assert.Contains("webhook could not be reached", hook.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
    }
}
