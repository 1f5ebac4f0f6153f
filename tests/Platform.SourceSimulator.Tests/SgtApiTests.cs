using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class SgtApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string[] Extras =
    [
        "tokeniza_valor_investido", "tokeniza_qtd_investimentos", "tokeniza_projetos", "irpf_renda_anual", "irpf_patrimonio_liquido",
        "irpf_perfil_investidor", "ga4_engajamento_score", "stape_paginas_visitadas", "mautic_score", "mautic_tags", "cliente_status", "plano_atual",
    ];

    private static readonly string[] LeadFields = ["nome", "email", "telefone", "cpf", "stage", "venda_realizada", "is_cliente", "updated_at"];

    private readonly SimulatorApi _api = fixture.Api;

    private async Task<string> AccountAsync(string company, int size, int? ratePermits = null)
    {
        var token = $"sgt-{company}-{Guid.NewGuid():N}";
        using var response = await _api.Http.PostAsJsonAsync("/_simulator/accounts", new { source = "sgt", credential = token, company, seed = 42, size, ratePermits });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return token;
    }

    private async Task<HttpResponseMessage> GetAsync(string token, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _api.Http.SendAsync(request);
    }

    private async Task<List<JsonObject>> WalkAsync(string token, string company, string extra = "")
    {
        var leads = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            using var response = await GetAsync(token, $"/api/leads?empresa={company}&page={page}&per_page=200{extra}");
            var body = await SimulatorApi.OkJsonAsync(response);
            var data = body["data"]!.AsArray().Select(l => l!.AsObject()).ToList();
            leads.AddRange(data);
            if (data.Count == 0 || page >= (int)body["total_pages"]!)
            {
                return leads;
            }
        }
    }

    [Fact]
    public async Task Paging_with_per_page_200_lists_every_lead_of_the_company_once_with_the_contract_fields()
    {
        var token = await AccountAsync("blue", 1_356);

        var leads = await WalkAsync(token, "blue");

        Assert.Equal(1_356, leads.Count);
        Assert.Equal(1_356, leads.Select(l => (long)l["lead_id"]!).Distinct().Count());
        Assert.All(leads, l => Assert.Equal("blue", (string)l["empresa"]!));
        foreach (var field in LeadFields.Concat(Extras))
        {
            Assert.True(leads[0].ContainsKey(field), $"lead has no {field}");
        }
        var customers = leads.Count(l => (bool)l["venda_realizada"]! || (string)l["stage"]! == "Cliente");
        Assert.InRange(customers, 400, 700);
        Assert.Contains(leads, l => !(bool)l["venda_realizada"]! && (string)l["stage"]! == "Cliente");
        Assert.Contains(leads, l => (bool)l["venda_realizada"]! && (string)l["stage"]! != "Cliente");
        Assert.Contains(leads, l => (bool)l["is_cliente"]! != ((bool)l["venda_realizada"]! || (string)l["stage"]! == "Cliente"));
    }

    [Fact]
    public async Task A_token_reads_only_its_own_company_and_an_unknown_token_is_refused()
    {
        var token = await AccountAsync("tokeniza", 10);

        using var other = await GetAsync(token, "/api/leads?empresa=blue");
        using var unknown = await GetAsync("not-a-token", "/api/leads?empresa=tokeniza");
        using var missing = await GetAsync(token, "/api/leads");
        using var tooBig = await GetAsync(token, "/api/leads?empresa=tokeniza&per_page=201");

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("unauthorized", (string)(await SimulatorApi.JsonAsync(unknown))["error"]!);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
    }

    [Fact]
    public async Task Over_ten_requests_a_second_answers_429_with_retry_after()
    {
        var token = await AccountAsync("blue", 5, ratePermits: 10);

        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 14; i++)
        {
            using var response = await GetAsync(token, "/api/leads?empresa=blue&per_page=1");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response.Headers.RetryAfter?.Delta : null;
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 10, 13);
        Assert.NotNull(retryAfter);
    }

    [Fact]
    public async Task Buscar_finds_a_lead_by_email_in_any_case_or_by_phone_in_another_spelling()
    {
        var token = await AccountAsync("blue", 50);
        var lead = (await WalkAsync(token, "blue")).First(l => l["email"] is not null && l["telefone"] is not null);
        var digits = new string([.. ((string)lead["telefone"]!).Where(char.IsAsciiDigit)]);
        var phone = "+55 " + digits[^11..^9] + " " + digits[^9..];

        using var byEmail = await GetAsync(token, $"/api/leads/buscar?email={Uri.EscapeDataString(((string)lead["email"]!).ToUpperInvariant())}");
        using var byPhone = await GetAsync(token, $"/api/leads/buscar?telefone={Uri.EscapeDataString(phone)}");
        using var none = await GetAsync(token, "/api/leads/buscar?email=ninguem@example.com");

        Assert.Equal((long)lead["lead_id"]!, (long)(await SimulatorApi.OkJsonAsync(byEmail))["data"]!["lead_id"]!);
        Assert.Equal((long)lead["lead_id"]!, (long)(await SimulatorApi.OkJsonAsync(byPhone))["data"]!["lead_id"]!);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task Mutating_20_leads_changes_exactly_those_and_updated_since_returns_them()
    {
        var token = await AccountAsync("tokeniza", 499);
        var before = (await WalkAsync(token, "tokeniza")).ToDictionary(l => (string)l["lead_id"]!.ToString(), l => l.ToJsonString());
        var newest = before.Values.Select(l => DateTimeOffset.Parse((string)JsonNode.Parse(l)!["updated_at"]!, CultureInfo.InvariantCulture)).Max();

        var result = await _api.PostAsync("/_simulator/mutate", new { source = "sgt", credential = token, count = 20 });

        var changedIds = result["updated"]!.AsArray().Select(c => (string)c!["id"]!).ToHashSet();
        Assert.Equal(20, changedIds.Count);
        var after = (await WalkAsync(token, "tokeniza")).ToDictionary(l => l["lead_id"]!.ToString(), l => l.ToJsonString());
        Assert.Equal(499, after.Count);
        Assert.Equal(changedIds.Order(), after.Where(a => before[a.Key] != a.Value).Select(a => a.Key).Order());
        var since = Uri.EscapeDataString(newest.AddSeconds(1).ToString("O", CultureInfo.InvariantCulture));
        var recent = await WalkAsync(token, "tokeniza", $"&updated_since={since}");
        Assert.Equal(changedIds.Order(), recent.Select(l => l["lead_id"]!.ToString()).Order());
        var leads = after.Values.Select(v => JsonNode.Parse(v)!).Where(l => changedIds.Contains(l["lead_id"]!.ToString())).ToList();
        Assert.Contains(leads, l => (string)l["stage"]! == "Ex-cliente" && !(bool)l["venda_realizada"]!);
        Assert.Contains(leads, l => (string)l["stage"]! == "Cliente" && (bool)l["venda_realizada"]!);
    }

    [Fact]
    public async Task An_sgt_account_needs_a_company()
    {
        using var response = await _api.Http.PostAsJsonAsync("/_simulator/accounts", new { source = "sgt", credential = "sgt-no-company", size = 5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("company", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
