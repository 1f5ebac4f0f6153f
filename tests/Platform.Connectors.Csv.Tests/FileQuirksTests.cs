using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Connectors.Files;
using Platform.Testing;

namespace Platform.Connectors.Csv.Tests;

/// <summary>Every reading quirk in three files, followed through identity resolution field by field.</summary>
public sealed class FileQuirksTests(CsvWithIdentityFixture fixture) : IClassFixture<CsvWithIdentityFixture>
{
    static FileQuirksTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// ManyChat's export in Windows-1252, <c>;</c>-separated: decimal commas with thousands dots, an Excel serial date
    /// and datetime, a dd/mm/yyyy date, a custom field quoted across two lines, blank lines, and three bad rows: a
    /// subscription date that cannot be read, too few columns, an amount that is not one.
    /// </summary>
    private const string ManyChatExport =
        "ID do assinante;Nome;Sobrenome;E-mail;Telefone;WhatsApp;Tags;Valor gasto;Data de inscrição;Última interação;Observações\r\n"
        + "\r\n"
        + "q1;Conceição;Araújo; Conceicao.Araujo@Example.COM ;(11) 98765-4321;5511987654321;\"Comprador, Lead\";1.234,56;46057;46057,56185;\"linha um\r\nlinha dois\"\r\n"
        + "\r\n"
        + "q2;João;Brandão;joao.q@example.com;;;;97,00;05/02/2026;06/02/2026 10:15;\r\n"
        + "q3;Erro;Data;erro@example.com;;;;1,00;32/13/2026;;\r\n"
        + "q4;Curto;Demais;curto@example.com\r\n"
        + "q5;Erro;Valor;valor@example.com;;;;R$ doze;46057;;\r\n";

    /// <summary>A generic file in UTF-8 with a BOM, comma-separated, quoted comma, naming the same person with her CPF and city.</summary>
    private const string Crm =
        "Nome completo,E-mail,CPF,Cidade,Estado,Observação\n"
        + "\"Araújo, Conceição\",conceicao.araujo@example.com,529.982.247-25,Recife,PE,\"cliente desde 2020, VIP\"\n";

    /// <summary>
    /// Hotmart's sales export in UTF-8 without a BOM, <c>,</c>-separated with LF line ends: a PT-BR amount quoted because
    /// of its comma, a product name quoted around a comma, a dd/mm/yyyy hh:mm purchase time; João's purchase, with the
    /// phone and CPF his ManyChat row lacks.
    /// </summary>
    private const string HotmartSales =
        "Transação,Produto,Comprador,Email do comprador,Telefone do comprador,Documento do comprador,Status,Preço total,Moeda,Data da transação,Data de aprovação\n"
        + "HP0042,\"Curso de Inglês, Módulo 1\",João Brandão,JOAO.Q@example.com,(21) 99876-5432,111.444.777-35,Aprovado,\"1.234,56\",BRL,05/02/2026 14:30,06/02/2026\n";

    [Fact]
    public async Task A_file_with_every_quirk_becomes_the_right_client_field_by_field()
    {
        var workspace = "quirks-" + Guid.NewGuid().ToString("N")[..8];
        using var http = fixture.Client();
        var export = await Imports.ImportAsync(http, workspace, "manychat", Encoding.GetEncoding(1252).GetBytes(ManyChatExport));
        Assert.Equal(FileImportStatus.Completed, export.Status);
        Assert.Equal("windows-1252", export.Encoding);
        Assert.Equal(";", export.Separator);
        Assert.Equal((5, 2, 3), (export.RowsRead, export.RowsStaged, export.RowsRejected));
        Assert.Collection((await Imports.RejectedAsync(http, export.Id)).Items,
            r => Assert.Equal((7L, "Data de inscrição"), (r.Line, r.Column)),
            r => Assert.Equal((8L, null, "q4;Curto;Demais;curto@example.com"), (r.Line, r.Column, r.Raw)),
            r => Assert.Equal((9L, "Valor gasto"), (r.Line, r.Column)));

        var crm = await Imports.ImportAsync(http, workspace, "generic",
            [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Crm)], "&confirm=true");
        Assert.Equal((1, 0), (crm.RowsStaged, crm.RowsRejected));
        Assert.Equal(",", crm.Separator);
        Assert.Equal("utf-8", crm.Encoding);

        var sales = await Imports.ImportAsync(http, workspace, "hotmart", Encoding.UTF8.GetBytes(HotmartSales));
        Assert.Equal(("utf-8", ",", 1L, 0L), (sales.Encoding, sales.Separator, sales.RowsStaged, sales.RowsRejected));
        var purchase = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace && m.Record.ExternalId == "hotmart:HP0042");
        Assert.Equal((1234.56m, "BRL", "Curso de Inglês, Módulo 1"), (purchase.Record.Money!.Amount, purchase.Record.Money.Currency, purchase.Record.Money.Product));
        Assert.Equal(new DateTimeOffset(2026, 2, 5, 14, 30, 0, TimeSpan.FromHours(-3)), purchase.Record.Money.OccurredAt);
        Assert.Equal("João Brandão", purchase.Record.Person!.FullName);

        var staged = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace && m.Record.ExternalId == "manychat:q1");
        Assert.Equal("1234.56", staged.Record.Attributes["manychat.amount_spent"]);
        Assert.Equal("2026-02-04T00:00:00-03:00", staged.Record.Attributes["manychat.subscribed_at"]);
        Assert.Equal("2026-02-04T13:29:04-03:00", staged.Record.Attributes["manychat.last_interaction"]);
        Assert.Equal("linha um\r\nlinha dois", staged.Record.Attributes["manychat.cf.Observações"]);
        Assert.Equal("Comprador, Lead", staged.Record.Attributes["manychat.tags"]);
        var joao = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace && m.Record.ExternalId == "manychat:q2");
        Assert.Equal("97.00", joao.Record.Attributes["manychat.amount_spent"]);
        Assert.Equal("2026-02-05T00:00:00-03:00", joao.Record.Attributes["manychat.subscribed_at"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 6, 10, 15, 0, TimeSpan.FromHours(-3)), joao.Record.SourceUpdatedAt);

        using var identity = TestCallers.DirectClient(fixture.Identity.Address);
        var client = await WaitForClientAsync(identity, workspace, "conceicao.araujo@example.com", records: 2);
        Assert.Equal("conceicao.araujo@example.com", client.GetProperty("primaryEmail").GetString());
        Assert.Equal("+5511987654321", client.GetProperty("primaryPhone").GetString());
        Assert.Equal("52998224725", client.GetProperty("document").GetString());
        var identifiers = client.GetProperty("identifiers").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("value").GetString())).ToList();
        Assert.Contains(("manychat_subscriber_id", "q1"), identifiers);
        Assert.Contains(("cpf", "52998224725"), identifiers);
        var fields = client.GetProperty("fields");
        Assert.Equal("Conceição", fields.GetProperty("first_name").GetProperty("value").GetString());
        Assert.Equal("Araújo", fields.GetProperty("last_name").GetProperty("value").GetString());
        Assert.Equal("Recife", fields.GetProperty("city").GetProperty("value").GetString());
        Assert.Equal("PE", fields.GetProperty("state").GetProperty("value").GetString());
        Assert.Equal("csv", fields.GetProperty("city").GetProperty("source").GetString());

        // João: his ManyChat row and his Hotmart purchase (email written in other case) are one client.
        var joaoClient = await WaitForClientAsync(identity, workspace, "joao.q@example.com", records: 2);
        Assert.Equal("João", joaoClient.GetProperty("fields").GetProperty("first_name").GetProperty("value").GetString());
        Assert.Equal("Brandão", joaoClient.GetProperty("fields").GetProperty("last_name").GetProperty("value").GetString());
        Assert.Equal("+5521998765432", joaoClient.GetProperty("primaryPhone").GetString());
        Assert.Equal("11144477735", joaoClient.GetProperty("document").GetString());
        var joaoIds = joaoClient.GetProperty("identifiers").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("value").GetString())).ToList();
        Assert.Contains(("manychat_subscriber_id", "q2"), joaoIds);
        Assert.Contains(("cpf", "11144477735"), joaoIds);
        Assert.Contains(("email", "joao.q@example.com"), joaoIds);
    }

    private async Task<JsonElement> WaitForClientAsync(HttpClient identity, string workspace, string email, int records)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "no client";
        while (DateTime.UtcNow < deadline)
        {
            var page = await identity.GetFromJsonAsync<JsonElement>($"/api/clients?workspaceId={workspace}&email={Uri.EscapeDataString(email)}");
            var items = page.GetProperty("items");
            if (items.GetArrayLength() == 1)
            {
                var id = items[0].GetProperty("id").GetString();
                var client = await identity.GetFromJsonAsync<JsonElement>($"/api/clients/{id}");
                if (client.GetProperty("recordCount").GetInt32() == records)
                {
                    return client;
                }
                last = client.ToString();
            }
            else
            {
                last = page.ToString();
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no client for {email} with {records} records; last: {last}{Environment.NewLine}{fixture.Identity.Output}");
    }
}
