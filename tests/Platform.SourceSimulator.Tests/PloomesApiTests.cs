using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Platform.SourceSimulator.Tests.Support;

namespace Platform.SourceSimulator.Tests;

public sealed class PloomesApiTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = fixture.Api;

    private static DateTimeOffset Date(JsonNode? node) => DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Top_and_skip_page_through_every_contact_exactly_once_in_id_order()
    {
        var key = await _api.PloomesAccountAsync(size: 250);

        var contacts = await _api.PloomesWalkAsync(key, "Contacts", top: 60);

        Assert.Equal(250, contacts.Count);
        var ids = contacts.Select(c => (long)c["Id"]!).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(250, ids.Distinct().Count());
    }

    [Fact]
    public async Task Without_top_at_most_300_records_come_back_in_an_odata_envelope()
    {
        var key = await _api.PloomesAccountAsync(size: 400);

        using var response = await _api.PloomesGetAsync(key, "/Deals?$count=true");

        var body = await SimulatorApi.OkJsonAsync(response);
        Assert.EndsWith("$metadata#Deals", (string)body["@odata.context"]!, StringComparison.Ordinal);
        Assert.Equal(400, (int)body["@odata.count"]!);
        Assert.Equal(300, body["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task Top_over_300_is_refused_with_an_odata_error()
    {
        var key = await _api.PloomesAccountAsync(size: 5);

        using var response = await _api.PloomesGetAsync(key, "/Contacts?$top=301");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("300", (string)(await SimulatorApi.JsonAsync(response))["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_on_LastUpdateDate_and_Id_combined_with_and_keeps_only_matching_records()
    {
        var key = await _api.PloomesAccountAsync(size: 300);
        var all = await _api.PloomesWalkAsync(key, "Deals");
        var pivot = all.Select(d => Date(d["LastUpdateDate"])).Order().ElementAt(200);
        var since = Uri.EscapeDataString(pivot.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
        var someId = (long)all[10]["Id"]!;

        var newer = await _api.PloomesWalkAsync(key, "Deals", $"&$filter=LastUpdateDate gt {since}");
        var notOlder = await _api.PloomesWalkAsync(key, "Deals", $"&$filter=LastUpdateDate ge {since}");
        var older = await _api.PloomesWalkAsync(key, "Deals", $"&$filter=LastUpdateDate lt {since}");
        var one = await _api.PloomesValueAsync(key, $"/Deals?$filter=Id eq {someId}");
        var both = await _api.PloomesValueAsync(key, $"/Deals?$filter=Id eq {someId} and LastUpdateDate gt 2000-01-01T00:00:00Z");
        var none = await _api.PloomesValueAsync(key, $"/Deals?$filter=Id eq {someId} and LastUpdateDate gt 2999-01-01T00:00:00Z");

        Assert.Equal(all.Count(d => Date(d["LastUpdateDate"]) > pivot), newer.Count);
        Assert.All(newer, d => Assert.True(Date(d["LastUpdateDate"]) > pivot));
        Assert.Equal(newer.Count + 1, notOlder.Count);
        Assert.Equal(all.Count, notOlder.Count + older.Count);
        Assert.Equal(someId, (long)Assert.Single(one)["Id"]!);
        Assert.Single(both);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Orderby_LastUpdateDate_desc_then_Id_sorts_newest_first()
    {
        var key = await _api.PloomesAccountAsync(size: 200);

        var contacts = await _api.PloomesWalkAsync(key, "Contacts", "&$orderby=LastUpdateDate desc,Id", top: 45);

        Assert.Equal(200, contacts.Count);
        var dates = contacts.Select(c => Date(c["LastUpdateDate"])).ToList();
        Assert.Equal(dates.OrderDescending(), dates);
        Assert.Equal(200, contacts.Select(c => (long)c["Id"]!).Distinct().Count());
    }

    [Fact]
    public async Task Expand_adds_phones_contact_and_tags_only_when_asked()
    {
        var key = await _api.PloomesAccountAsync(size: 100);

        var plainContacts = await _api.PloomesValueAsync(key, "/Contacts?$top=50");
        var contacts = await _api.PloomesValueAsync(key, "/Contacts?$top=50&$expand=Phones,Tags($expand=Tag)");
        var plainDeals = await _api.PloomesValueAsync(key, "/Deals?$top=50");
        var deals = await _api.PloomesValueAsync(key, "/Deals?$top=50&$expand=Contact($expand=Phones;$select=Id,Name),Tags");

        Assert.All(plainContacts, c => Assert.False(c.ContainsKey("Phones") || c.ContainsKey("Tags")));
        Assert.All(plainDeals, d => Assert.False(d.ContainsKey("Contact") || d.ContainsKey("Tags")));
        Assert.All(contacts, c => Assert.NotNull(c["Phones"]));
        var phone = contacts.SelectMany(c => c["Phones"]!.AsArray()).First()!;
        Assert.Equal(["PhoneNumber", "TypeId", "CountryId"], phone.AsObject().Select(p => p.Key));
        Assert.Equal(76, (int)phone["CountryId"]!);
        var tag = contacts.SelectMany(c => c["Tags"]!.AsArray()).First()!;
        Assert.False(string.IsNullOrEmpty((string)tag["Tag"]!["Name"]!));
        Assert.All(deals, d =>
        {
            var contact = d["Contact"]!.AsObject();
            Assert.Equal((long)d["ContactId"]!, (long)contact["Id"]!);
            Assert.Equal(["Id", "Name", "Phones"], contact.Select(p => p.Key));
            Assert.All(d["Tags"]!.AsArray(), t => Assert.False(t!.AsObject().ContainsKey("Tag")));
        });
    }

    [Fact]
    public async Task People_have_a_cpf_and_email_and_companies_a_cnpj_and_legal_name_all_with_valid_check_digits()
    {
        var key = await _api.PloomesAccountAsync(size: 300);

        var contacts = await _api.PloomesWalkAsync(key, "Contacts", "&$expand=Phones");

        var companies = contacts.Where(c => (int)c["TypeId"]! == 1).ToList();
        var people = contacts.Where(c => (int)c["TypeId"]! == 2).ToList();
        Assert.Equal(300, companies.Count + people.Count);
        Assert.InRange(companies.Count, 30, 100);
        Assert.All(companies, c =>
        {
            Assert.True(BrazilianDocumentRules.IsValidCnpj((string)c["CNPJ"]!), $"{c["CNPJ"]} is a valid CNPJ");
            Assert.False(string.IsNullOrEmpty((string?)c["LegalName"]));
            Assert.Null(c["CPF"]);
        });
        var cpfs = people.Select(p => (string?)p["CPF"]).OfType<string>().ToList();
        Assert.True(cpfs.Count > people.Count * 0.7);
        Assert.All(cpfs, cpf => Assert.True(BrazilianDocumentRules.IsValidCpf(cpf), $"{cpf} is a valid CPF"));
        Assert.Contains(cpfs, cpf => cpf.Contains('.', StringComparison.Ordinal));
        Assert.Contains(cpfs, cpf => !cpf.Contains('.', StringComparison.Ordinal));
        var phoneSpellings = people.SelectMany(p => p["Phones"]!.AsArray()).Select(p => (string)p!["PhoneNumber"]!).ToList();
        Assert.Contains(phoneSpellings, p => p.StartsWith('('));
        Assert.Contains(phoneSpellings, p => p.All(char.IsAsciiDigit));
    }

    [Fact]
    public async Task Deals_are_open_won_or_lost_with_amounts_contacts_and_finish_dates_when_closed()
    {
        var key = await _api.PloomesAccountAsync(size: 200);

        var deals = await _api.PloomesWalkAsync(key, "Deals");
        var contactIds = (await _api.PloomesWalkAsync(key, "Contacts")).Select(c => (long)c["Id"]!).ToHashSet();

        Assert.Equal([1, 2, 3], deals.Select(d => (int)d["StatusId"]!).Distinct().Order());
        Assert.All(deals, d =>
        {
            Assert.True((decimal)d["Amount"]! > 0);
            Assert.Contains((long)d["ContactId"]!, contactIds);
            Assert.False(string.IsNullOrEmpty((string)d["Title"]!));
            Assert.NotNull(d["StageId"]);
            Assert.NotNull(d["PipelineId"]);
            Assert.True(Date(d["LastUpdateDate"]) >= Date(d["CreateDate"]));
            Assert.Equal((int)d["StatusId"]! != 1, d["FinishDate"] is not null);
        });
    }

    [Fact]
    public async Task A_deal_can_be_read_by_key_as_odata_does()
    {
        var key = await _api.PloomesAccountAsync(size: 10);
        var id = (long)(await _api.PloomesValueAsync(key, "/Deals?$top=1"))[0]["Id"]!;

        using var response = await _api.PloomesGetAsync(key, $"/Deals({id})?$select=Id,Title");

        var deal = await SimulatorApi.OkJsonAsync(response);
        Assert.Equal(["@odata.context", "Id", "Title"], deal.Select(p => p.Key));
        Assert.Equal(id, (long)deal["Id"]!);
    }

    [Theory]
    [InlineData("$filter=Nope eq 1")]
    [InlineData("$filter=Id eq 1 or Id eq 2")]
    [InlineData("$orderby=Nope")]
    [InlineData("$expand=Nope")]
    [InlineData("$skip=-1")]
    public async Task Query_options_the_api_cannot_answer_are_a_400(string query)
    {
        var key = await _api.PloomesAccountAsync(size: 5);

        using var response = await _api.PloomesGetAsync(key, "/Contacts?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((string)(await SimulatorApi.JsonAsync(response))["error"]!["message"]!));
    }
}
