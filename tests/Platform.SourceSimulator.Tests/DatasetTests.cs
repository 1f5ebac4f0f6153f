using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class DatasetTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    [Fact]
    public async Task The_same_seed_gives_the_same_data_and_another_seed_other_data()
    {
        var a = await _api.StripeAccountAsync(seed: 7, size: 120);
        var b = await _api.StripeAccountAsync(seed: 7, size: 120);
        var c = await _api.StripeAccountAsync(seed: 8, size: 120);
        var ha = await _api.HotmartAccessTokenAsync(await _api.HotmartAccountAsync(seed: 7, size: 120));
        var hb = await _api.HotmartAccessTokenAsync(await _api.HotmartAccountAsync(seed: 7, size: 120));
        var pa = await _api.PloomesAccountAsync(seed: 7, size: 120);
        var pb = await _api.PloomesAccountAsync(seed: 7, size: 120);

        foreach (var resource in new[] { "customers", "charges", "invoices", "subscriptions", "refunds", "events" })
        {
            var (first, _) = await _api.StripeWalkAsync(a, resource);
            var (second, _) = await _api.StripeWalkAsync(b, resource);
            Assert.True(JsonNode.DeepEquals(new JsonArray([.. first.Select(o => o.DeepClone())]), new JsonArray([.. second.Select(o => o.DeepClone())])), $"{resource} differ");
        }
        var (other, _) = await _api.StripeWalkAsync(c, "customers");
        var (same, _) = await _api.StripeWalkAsync(a, "customers");
        Assert.NotEqual(same.Select(o => (string)o["email"]!), other.Select(o => (string)o["email"]!));

        var hotmartA = await _api.HotmartWalkAsync(ha, "/payments/api/v1/sales/users", "&transaction_status=CANCELLED");
        var hotmartB = await _api.HotmartWalkAsync(hb, "/payments/api/v1/sales/users", "&transaction_status=CANCELLED");
        Assert.Equal(hotmartA.Items.Select(i => i.ToJsonString()), hotmartB.Items.Select(i => i.ToJsonString()));

        var ploomesA = await _api.PloomesWalkAsync(pa, "Contacts", "&$expand=Phones");
        var ploomesB = await _api.PloomesWalkAsync(pb, "Contacts", "&$expand=Phones");
        Assert.Equal(ploomesA.Select(i => i.ToJsonString()), ploomesB.Select(i => i.ToJsonString()));
    }

    [Fact]
    public async Task Part_of_the_people_appear_in_stripe_hotmart_and_ploomes_spelled_differently()
    {
        const int size = 400;
        var stripe = await _api.StripeAccountAsync(seed: 99, size: size);
        var hotmart = await _api.HotmartAccessTokenAsync(await _api.HotmartAccountAsync(seed: 99, size: size));
        var ploomes = await _api.PloomesAccountAsync(seed: 99, size: size);

        var (customers, _) = await _api.StripeWalkAsync(stripe, "customers");
        var buyers = new List<JsonNode>();
        foreach (var status in new[] { "APPROVED", "COMPLETE", "CANCELLED", "REFUNDED", "EXPIRED" })
        {
            var (items, _, _) = await _api.HotmartWalkAsync(hotmart, "/payments/api/v1/sales/users", $"&transaction_status={status}", maxResults: 200);
            buyers.AddRange(items.SelectMany(i => i["users"]!.AsArray()).Where(u => (string)u!["role"]! == "BUYER").Select(u => u!["user"]!));
        }
        var contacts = (await _api.PloomesWalkAsync(ploomes, "Contacts", "&$expand=Phones")).Where(c => (int)c["TypeId"]! == 2).ToList();

        static string? Cpf(string? value) => value is null ? null : BrazilianDocumentRules.Digits(value);
        var stripeCpfs = customers.Select(c => Cpf((string?)c["metadata"]!["cpf"])).OfType<string>().ToHashSet();
        var hotmartCpfs = buyers.SelectMany(b => b["documents"]!.AsArray()).Select(d => Cpf((string?)d!["value"])).OfType<string>().ToHashSet();
        var ploomesCpfs = contacts.Select(c => Cpf((string?)c["CPF"])).OfType<string>().ToHashSet();
        var stripePhones = customers.Select(c => (string?)c["phone"]).OfType<string>().ToList();
        var ploomesPhones = contacts.SelectMany(c => c["Phones"]!.AsArray()).Select(p => (string)p!["PhoneNumber"]!).ToList();
        var stripeEmails = customers.Select(c => ((string?)c["email"])?.ToLowerInvariant()).OfType<string>().ToHashSet();
        var ploomesEmails = contacts.Select(c => ((string?)c["Email"])?.ToLowerInvariant()).OfType<string>().ToHashSet();

        var inAllThree = stripeCpfs.Intersect(hotmartCpfs).Intersect(ploomesCpfs).Count();
        Assert.True(inAllThree >= 10, $"{inAllThree} CPFs are in all three sources");
        Assert.True(stripeCpfs.Intersect(ploomesCpfs).Count() >= size / 10);
        Assert.True(stripeEmails.Intersect(ploomesEmails).Count() >= size / 10);
        // The same phone, written differently in each source.
        var samePhoneOtherSpelling = stripePhones.SelectMany(s => ploomesPhones.Where(p =>
            BrazilianDocumentRules.NationalPhone(p) == BrazilianDocumentRules.NationalPhone(s) && p != s)).Count();
        Assert.True(samePhoneOtherSpelling >= 10, $"{samePhoneOtherSpelling} phones are the same number spelled differently");
        // Different people never share a CPF inside one source.
        Assert.Equal(customers.Count(c => c["metadata"]!["cpf"] is not null), customers.Select(c => (string?)c["metadata"]!["cpf"]).OfType<string>()
            .Select(BrazilianDocumentRules.Digits).Count());
    }

    [Fact]
    public async Task Every_cpf_and_cnpj_the_sources_hold_has_valid_check_digits()
    {
        var stripe = await _api.StripeAccountAsync(seed: 3, size: 300);
        var ploomes = await _api.PloomesAccountAsync(seed: 3, size: 300);

        var (customers, _) = await _api.StripeWalkAsync(stripe, "customers");
        var (charges, _) = await _api.StripeWalkAsync(stripe, "charges");
        var contacts = await _api.PloomesWalkAsync(ploomes, "Contacts");

        var cpfs = customers.Select(c => (string?)c["metadata"]!["cpf"])
            .Concat(charges.Select(c => (string?)c["billing_details"]!["tax_id"]))
            .Concat(contacts.Select(c => (string?)c["CPF"]))
            .OfType<string>().ToList();
        var cnpjs = contacts.Select(c => (string?)c["CNPJ"]).OfType<string>().ToList();
        Assert.True(cpfs.Count > 300);
        Assert.True(cnpjs.Count > 30);
        Assert.All(cpfs, cpf => Assert.True(BrazilianDocumentRules.IsValidCpf(cpf), $"{cpf} is a valid CPF"));
        Assert.All(cnpjs, cnpj => Assert.True(BrazilianDocumentRules.IsValidCnpj(cnpj), $"{cnpj} is a valid CNPJ"));
    }

    [Fact]
    public async Task Ten_thousand_records_per_stream_are_generated_and_paged_like_the_vendors()
    {
        var stripe = await _api.StripeAccountAsync(seed: 11, size: 10_000);
        var hotmart = await _api.HotmartAccountAsync(seed: 11, size: 10_000);
        var ploomes = await _api.PloomesAccountAsync(seed: 11, size: 10_000);

        var customers = await _api.StripeListAsync(stripe, "/v1/customers?limit=100");
        var token = await _api.HotmartAccessTokenAsync(hotmart);
        var sales = await _api.HotmartWalkAsync(token, "/payments/api/v1/sales/history", "&transaction_status=REFUNDED", maxResults: 500);
        var deals = await _api.PloomesValueAsync(ploomes, "/Deals?$top=300&$skip=9000&$orderby=LastUpdateDate desc");

        Assert.Equal(100, customers["data"]!.AsArray().Count);
        Assert.True(sales.TotalResults > 100);
        Assert.Equal(300, deals.Count);
    }

    [Fact]
    public async Task A_credential_taken_with_other_settings_is_a_conflict_and_the_same_settings_are_fine()
    {
        var key = await _api.StripeAccountAsync(seed: 1, size: 10);

        await _api.PostAsync("/_simulator/accounts", new { source = "stripe", credential = key, seed = 1, size = 10 }, System.Net.HttpStatusCode.OK);
        await _api.PostAsync("/_simulator/accounts", new { source = "stripe", credential = key, seed = 2, size = 10 }, System.Net.HttpStatusCode.Conflict);
        await _api.PostAsync("/_simulator/accounts", new { source = "hotmart", credential = "no-secret", seed = 2, size = 10 }, System.Net.HttpStatusCode.BadRequest);
        var created = await _api.PostAsync("/_simulator/accounts", new { source = "ploomes", credential = SimulatorApi.NewPloomesKey(), seed = 5, size = 20 },
            System.Net.HttpStatusCode.Created);

        Assert.Equal("ploomes", (string)created["source"]!);
        Assert.Equal(20, (int)created["size"]!);
    }
}
