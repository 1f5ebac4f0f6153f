using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

public sealed class PrivacyTests(PrivacyFixture platform, ITestOutputHelper output) : IClassFixture<PrivacyFixture>
{
    private const string W = PrivacyFixture.Workspace;

    /// <summary>A person of the simulator's population with records in all three sources, as identity resolution holds them.</summary>
    private sealed record Person(Guid ClientId, List<string> Emails, List<string> Phones, List<string> Cpfs);

    [Fact]
    public async Task An_erased_person_of_Stripe_Hotmart_and_Ploomes_is_gone_from_every_schema_and_a_new_backfill_does_not_bring_them_back()
    {
        await SettleAsync();
        var person = await PersonInAllThreeSourcesAsync();
        var totalsBefore = await TotalsAsync();
        var personSales = await PersonSalesAsync(person.ClientId);
        Assert.NotEmpty(personSales);
        Assert.NotEmpty(Occurrences(await platform.DumpAsync(), person)); // the dump does show them before

        // The access export, taken before the erasure.
        var access = await RunAsync(new { workspaceId = W, kind = "access", email = person.Emails[0] });
        var exported = Keys(access.GetProperty("document").GetProperty("services"));
        foreach (var service in new[] { "connector-stripe", "connector-hotmart", "connector-ploomes" })
        {
            Assert.Contains(exported, k => k.StartsWith($"{service}|raw_records|", StringComparison.Ordinal));
        }
        Assert.Contains(exported, k => k.StartsWith("identity-resolution|records|", StringComparison.Ordinal));
        Assert.Contains(exported, k => k.StartsWith("aggregation|sales|", StringComparison.Ordinal));
        Assert.Contains(person.ClientId.ToString(), access.GetProperty("document").GetProperty("clients").ToString(), StringComparison.Ordinal);

        var erasure = await RunAsync(new { workspaceId = W, kind = "erasure", cpf = FormatCpf(person.Cpfs[0]) });

        // Everything the erasure removed was in the export.
        var removed = Keys(erasure.GetProperty("document").GetProperty("services"), "deleted", "tombstoned");
        Assert.NotEmpty(removed);
        Assert.Empty(removed.Except(exported));
        // Nothing of the person is left in any schema (raw payloads, webhook bodies, outboxes, identity, aggregates, campaigns, the gateway's export).
        var left = Occurrences(await platform.DumpAsync(), person);
        Assert.True(left.Count == 0, $"still in the dump:{Environment.NewLine}{string.Join(Environment.NewLine, left.Take(10))}");
        // The workspace's totals dropped by exactly the person's sales.
        var totalsAfter = await TotalsAsync();
        foreach (var (currency, (sales, revenue)) in totalsBefore)
        {
            var (personCount, personRevenue) = personSales.GetValueOrDefault(currency);
            var (afterCount, afterRevenue) = totalsAfter.GetValueOrDefault(currency);
            Assert.Equal(sales - personCount, afterCount);
            Assert.Equal(revenue - personRevenue, afterRevenue);
        }
        var erased = await platform.Erased.WaitForAsync(e => e.ClientId == person.ClientId, TimeSpan.FromSeconds(30));
        Assert.Equal(W, erased.WorkspaceId);
        Assert.Equal("erased", (await platform.QueryAsync("identity-resolution", "select status from clients where id = @id", ("id", person.ClientId)))[0][0]);

        // A new backfill of every source sees the person again: nothing of them is staged, linked or aggregated.
        foreach (var source in PrivacyFixture.Sources)
        {
            await platform.SyncAsync(source, TimeSpan.FromMinutes(3));
        }
        await SettleAsync();
        left = Occurrences(await platform.DumpAsync(), person);
        Assert.True(left.Count == 0, $"back after the backfill:{Environment.NewLine}{string.Join(Environment.NewLine, left.Take(10))}");
        Assert.Equal(totalsAfter, await TotalsAsync());

        // The person gives a new consent (through the API, naming each of their identifiers): the suppression is lifted
        // and the next backfill brings their records, sales and client back.
        var lifted = 0;
        foreach (var named in person.Emails.Select(e => (object)new { workspaceId = W, email = e })
                     .Concat(person.Phones.Select(p => (object)new { workspaceId = W, phone = p }))
                     .Concat(person.Cpfs.Select(c => (object)new { workspaceId = W, cpf = c })))
        {
            using var consent = await platform.Api.PostAsJsonAsync("/api/privacy/consents", named);
            var answer = await consent.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(consent.StatusCode == HttpStatusCode.OK, $"{(int)consent.StatusCode} {answer}");
            Assert.Empty(answer.GetProperty("failedServices").EnumerateArray());
            lifted += answer.GetProperty("lifted").GetInt32();
        }
        Assert.True(lifted >= person.Emails.Count + person.Cpfs.Count, $"lifted {lifted}");
        foreach (var source in PrivacyFixture.Sources)
        {
            await platform.SyncAsync(source, TimeSpan.FromMinutes(3));
        }
        await SettleAsync();
        var back = await platform.QueryAsync("identity-resolution", """
            select count(*) from clients c
            where c.workspace_id = @w and c.status = 'active' and c.identifiers @> jsonb_build_array(jsonb_build_object('kind', 'email', 'value', @email::text))
            """, ("w", W), ("email", person.Emails[0]));
        Assert.Equal(1L, (long)back[0][0]!);
        Assert.NotEmpty(Occurrences(await platform.DumpAsync(), person));
        Assert.Equal(totalsBefore, await TotalsAsync());
    }

    [Fact]
    public async Task A_privacy_request_without_a_person_or_with_an_unknown_kind_is_a_400_naming_what_is_wrong()
    {
        using var none = await platform.Api.PostAsJsonAsync("/api/privacy/requests", new { workspaceId = W, kind = "access" });
        using var kind = await platform.Api.PostAsJsonAsync("/api/privacy/requests", new { workspaceId = W, kind = "forget", email = "a@b.com" });
        using var cpf = await platform.Api.PostAsJsonAsync("/api/privacy/requests", new { workspaceId = W, kind = "access", cpf = "123" });

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("email, phone or cpf", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.Contains("kind", await kind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, cpf.StatusCode);
        Assert.Contains("11 digits", await cpf.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erasure_naming_only_a_phone_two_people_share_fails_saying_what_to_name_instead_and_erases_nothing()
    {
        await SettleAsync();
        // A phone two active clients hold (the population's shared household phones), and both of them.
        var shared = await platform.QueryAsync("identity-resolution", """
            select i->>'value', array_agg(distinct c.id) from clients c cross join jsonb_array_elements(c.identifiers) i
            where c.workspace_id = @w and c.status = 'active' and i->>'kind' = 'phone'
            group by 1 having count(distinct c.id) = 2 order by 1 limit 1
            """, ("w", W));
        Assert.NotEmpty(shared);
        var (phone, holders) = ((string)shared[0][0]!, (Guid[])shared[0][1]!);
        var totalsBefore = await TotalsAsync();

        var refused = await RunAsync(new { workspaceId = W, kind = "erasure", phone }, expected: "failed");

        // Identity resolution's reason reaches the request: who holds it (how many, not who) and what to name instead.
        var identity = refused.GetProperty("services").GetProperty("identity-resolution");
        Assert.Equal("failed", identity.GetProperty("state").GetString());
        var reason = identity.GetProperty("error").GetString()!;
        Assert.Contains("2 different clients", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(phone.TrimStart('+')[4..], reason, StringComparison.Ordinal);
        // No other service was asked, nothing was erased.
        Assert.Equal(["identity-resolution"], refused.GetProperty("services").EnumerateObject().Select(p => p.Name).ToArray());
        foreach (var holder in holders)
        {
            Assert.Equal("active", (await platform.QueryAsync("identity-resolution", "select status from clients where id = @id", ("id", holder)))[0][0]);
        }
        Assert.Equal(totalsBefore, await TotalsAsync());
    }

    /// <summary>Posts a request, follows its Location until it ends (within 60 s) as <paramref name="expected"/> and answers its final state.</summary>
    private async Task<JsonElement> RunAsync(object request, string expected = "completed")
    {
        using var posted = await platform.Api.PostAsJsonAsync("/api/privacy/requests", request);
        var text = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, $"{(int)posted.StatusCode} {text}");
        var location = posted.Headers.Location!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var state = await platform.Api.GetFromJsonAsync<JsonElement>(location);
            var status = state.GetProperty("status").GetString();
            if (status != "running")
            {
                Assert.True(status == expected, $"request {status}: {state.GetProperty("services")}{Environment.NewLine}{platform.Logs()}");
                output.WriteLine($"{state.GetProperty("kind")}: {state.GetProperty("services")}");
                return state;
            }
            Assert.True(DateTime.UtcNow < deadline, $"not done in 60 s: {state.GetProperty("services")}");
            await Task.Delay(250);
        }
    }

    /// <summary>service|table|key of every row listed (with one of the actions, when given).</summary>
    private static HashSet<string> Keys(JsonElement services, params string[] actions)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services.EnumerateObject())
        {
            foreach (var row in service.Value.EnumerateArray())
            {
                if (actions.Length > 0 && !actions.Contains(row.GetProperty("action").GetString()))
                {
                    continue;
                }
                var key = JsonSerializer.Serialize(JsonSerializer.Deserialize<SortedDictionary<string, JsonElement>>(row.GetProperty("key")));
                keys.Add($"{service.Name}|{row.GetProperty("table").GetString()}|{key}");
            }
        }
        return keys;
    }

    /// <summary>Dump lines holding the person's email (any case), phone (E.164, digits, and as the sources write it) or CPF (with or without punctuation).</summary>
    private static List<string> Occurrences(string dump, Person person)
    {
        var needles = new List<string>();
        needles.AddRange(person.Emails);
        foreach (var e164 in person.Phones)
        {
            var digits = e164.TrimStart('+')[2..];
            var (ddd, number) = (digits[..2], digits[2..]);
            var local = $"{number[..^4]}-{number[^4..]}";
            needles.AddRange([e164, digits, $"({ddd}) {local}", $"+55 {ddd} {local}", $"({ddd}){local}", $"{ddd} {local}", $"0{ddd} {number[..^4]} {number[^4..]}"]);
        }
        foreach (var cpf in person.Cpfs)
        {
            needles.AddRange([cpf, FormatCpf(cpf)]);
        }
        return dump.Split('\n').Where(line => needles.Any(n => Regex.IsMatch(line, $"(^|[^0-9a-z.]){Regex.Escape(n)}($|[^0-9a-z])", RegexOptions.IgnoreCase)))
            .Select(line => line.Length > 200 ? line[..200] : line).ToList();
    }

    private static string FormatCpf(string cpf) => $"{cpf[..3]}.{cpf[3..6]}.{cpf[6..9]}-{cpf[9..]}";

    private async Task<Person> PersonInAllThreeSourcesAsync()
    {
        var disputedCharges = (await platform.QueryAsync("connector-stripe",
            "select payload::jsonb->>'charge' from raw_records where workspace_id = @w and stream = 'disputes'", ("w", W))).Select(r => (string)r[0]!).ToArray();
        Assert.NotEmpty(disputedCharges);
        var candidates = await platform.QueryAsync("identity-resolution", """
            select c.id, c.identifiers::text from clients c
            where c.workspace_id = @w and c.status = 'active'
              and c.identifiers @> '[{"kind": "email"}]' and c.identifiers @> '[{"kind": "phone"}]' and c.identifiers @> '[{"kind": "cpf"}]'
              and (select count(distinct r.source) from records r where r.client_id = c.id and r.source in ('stripe', 'hotmart', 'ploomes')) = 3
            -- someone with a disputed charge first: the dispute names them only by its evidence email, which a backfill brings again
            order by exists (select 1 from records r where r.client_id = c.id and r.source = 'stripe' and r.external_id = any(@disputed)) desc, c.id
            """, ("w", W), ("disputed", disputedCharges));
        foreach (var candidate in candidates)
        {
            var id = (Guid)candidate[0]!;
            if ((await PersonSalesAsync(id)).Count == 0)
            {
                continue;
            }
            var identifiers = JsonDocument.Parse((string)candidate[1]!).RootElement.EnumerateArray()
                .Select(i => (Kind: i.GetProperty("kind").GetString()!, Value: i.GetProperty("value").GetString()!)).ToList();
            return new Person(id, Of("email"), Of("phone"), Of("cpf"));

            List<string> Of(string kind) => identifiers.Where(i => i.Kind == kind).Select(i => i.Value).ToList();
        }
        Assert.Fail($"no client with email, phone and CPF and sales in all of Stripe, Hotmart and Ploomes among {candidates.Count}");
        return null!;
    }

    private async Task<Dictionary<string, (int Sales, decimal Revenue)>> PersonSalesAsync(Guid client) =>
        (await platform.QueryAsync("aggregation", """
            select coalesce(currency, ''), count(*)::int, coalesce(sum(net_amount), 0)
            from sales where workspace_id = @w and is_counted and client_id = @c group by 1
            """, ("w", W), ("c", client))).ToDictionary(r => (string)r[0]!, r => ((int)r[1]!, (decimal)r[2]!));

    /// <summary>The workspace's counted sales and revenue per currency, as the sales-per-year report answers them.</summary>
    private async Task<Dictionary<string, (int Sales, decimal Revenue)>> TotalsAsync()
    {
        var report = await platform.Api.GetFromJsonAsync<JsonElement>($"/api/reports/sales-per-year?workspaceId={W}&pageSize=100");
        return report.GetProperty("items").EnumerateArray().SelectMany(y => y.GetProperty("revenue").EnumerateArray())
            .GroupBy(c => c.GetProperty("currency").GetString()!)
            .ToDictionary(g => g.Key, g => (g.Sum(c => c.GetProperty("sales").GetInt32()), g.Sum(c => c.GetProperty("revenue").GetDecimal())));
    }

    /// <summary>Waits until every staged record is linked and the counts of identity and aggregation stop moving.</summary>
    private async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var last = "";
        var steady = 0;
        while (steady < 3)
        {
            long pending = 0;
            foreach (var source in PrivacyFixture.Sources)
            {
                pending += await platform.CountAsync($"connector-{source}", "select count(*) from raw_record_outbox");
            }
            var identity = await platform.CountAsync("identity-resolution", "select count(*) * 1000000 + coalesce(sum(version), 0) from clients where workspace_id = @w", ("w", W));
            var records = await platform.CountAsync("identity-resolution", "select count(*) from records where workspace_id = @w", ("w", W));
            var sales = await platform.CountAsync("aggregation", "select count(*) * 1000000 + coalesce(sum(extract(epoch from updated_at))::bigint % 1000000, 0) from sales where workspace_id = @w", ("w", W));
            var clients = await platform.CountAsync("aggregation", "select coalesce(sum(version), 0) from clients where workspace_id = @w", ("w", W));
            var now = string.Join(',', pending, identity, records, sales, clients);
            steady = pending == 0 && now == last ? steady + 1 : 0;
            last = now;
            Assert.True(DateTime.UtcNow < deadline, $"identity and aggregation did not settle: {now}{Environment.NewLine}{platform.Logs()}");
            await Task.Delay(1000);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settled: {last}"));
    }
}
