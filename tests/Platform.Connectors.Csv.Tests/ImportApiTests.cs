using System.Net;
using System.Net.Http.Json;
using System.Text;
using Platform.Connectors.Files;
using Platform.Contracts.Records;

namespace Platform.Connectors.Csv.Tests;

public sealed class ImportApiTests(CsvConnectorFixture fixture) : IClassFixture<CsvConnectorFixture>
{
    private static string Workspace() => "ws-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_manychat_export_stages_its_good_rows_and_lists_the_bad_ones_with_line_column_and_reason()
    {
        var workspace = Workspace();
        using var http = fixture.Client();
        var (status, location, accepted, body) = await Imports.UploadAsync(http, workspace, "manychat", ManyChatSamples.Utf8(ManyChatSamples.WithBadRows("mc")));
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal($"/api/imports/{accepted!.Id}", location!.OriginalString);

        var import = await Imports.WaitAsync(http, accepted.Id);
        Assert.Equal(FileImportStatus.Completed, import.Status);
        Assert.Equal(6, import.RowsRead);
        Assert.Equal(3, import.RowsStaged);
        Assert.Equal(3, import.RowsRejected);
        Assert.Equal(";", import.Separator);
        Assert.Equal("ID do assinante", import.Mapping["subscriber_id"]);
        Assert.Equal("Curso de interesse", import.Mapping["custom_field:Curso de interesse"]);

        var rejected = await Imports.RejectedAsync(http, import.Id);
        Assert.Equal(3, rejected.Total);
        Assert.Collection(rejected.Items,
            r => { Assert.Equal(4, r.Line); Assert.Null(r.Column); Assert.Contains("expected 13 columns, found 10", r.Reason, StringComparison.Ordinal); Assert.StartsWith("mc3;Carla", r.Raw, StringComparison.Ordinal); },
            r => { Assert.Equal(5, r.Line); Assert.Equal("Valor gasto", r.Column); Assert.Contains("'doze reais' is not an amount", r.Reason, StringComparison.Ordinal); },
            r => { Assert.Equal(6, r.Line); Assert.Equal("Data de inscrição", r.Column); Assert.Contains("'ontem' is not a date", r.Reason, StringComparison.Ordinal); });

        // A small file unifies at once: its rows reach the bus.
        var ana = await fixture.Staged.WaitForAsync(m => m.Record.ExternalId == "manychat:mc1");
        Assert.Equal("csv", ana.Source);
        Assert.Equal(import.Id, ana.SyncRunId);
        Assert.Contains(new Identifier(IdentifierKinds.ManychatSubscriberId, "mc1"), ana.Record.Identifiers);
        Assert.Contains(new Identifier(IdentifierKinds.Phone, "5511987654321"), ana.Record.Identifiers);
        Assert.Equal("1234.56", ana.Record.Attributes["manychat.amount_spent"]);
        Assert.Equal("Lead, Webinar", ana.Record.Attributes["manychat.tags"]);
        Assert.Equal("true", ana.Record.Attributes["manychat.optin_email"]);
        Assert.Equal("Inglês", ana.Record.Attributes["manychat.cf.Curso de interesse"]);
        Assert.Equal("2026-02-04T13:29:04-03:00", ana.Record.Attributes["manychat.subscribed_at"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 7, 6, 0, 0, TimeSpan.FromHours(-3)), ana.Record.SourceUpdatedAt);

        // Each staged row keeps its file, line and text.
        Assert.Equal(1, await fixture.CountAsync("""
            select count(*) from raw_records
            where workspace_id = @ws and external_id = 'manychat:mc6' and payload::jsonb ->> 'line' = '7'
              and payload::jsonb ->> 'file' = 'test.csv' and payload::jsonb ->> 'raw' like 'mc6;Fábio;Reis;%'
            """, ("ws", workspace)));
    }

    [Fact]
    public async Task Reimporting_the_same_file_stages_nothing_and_a_corrected_file_stages_only_the_rows_that_changed()
    {
        var workspace = Workspace();
        using var http = fixture.Client();
        var original = ManyChatSamples.WithBadRows("re");
        var first = await Imports.ImportAsync(http, workspace, "manychat", ManyChatSamples.Utf8(original));
        Assert.Equal(3, first.RowsStaged);

        var again = await Imports.ImportAsync(http, workspace, "manychat", ManyChatSamples.Utf8(original));
        Assert.Equal(FileImportStatus.Completed, again.Status);
        Assert.Equal(0, again.RowsStaged);
        Assert.Equal(3, again.RowsUnchanged);

        // Ana's phone corrected, Davi's amount fixed; the rest untouched.
        var corrected = original
            .Replace("(11) 98765-4321", "(11) 98765-0000", StringComparison.Ordinal)
            .Replace("doze reais", "12,00", StringComparison.Ordinal);
        var third = await Imports.ImportAsync(http, workspace, "manychat", ManyChatSamples.Utf8(corrected));
        Assert.Equal(2, third.RowsStaged);
        Assert.Equal(2, third.RowsUnchanged);
        Assert.Equal(2, third.RowsRejected);
        Assert.Equal(5, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws", ("ws", workspace)));
        Assert.Equal(2, await fixture.CountAsync(
            "select count(*) from raw_records where workspace_id = @ws and external_id = 'manychat:re1'", ("ws", workspace)));
    }

    [Fact]
    public async Task A_generic_file_shows_its_guessed_mapping_and_stages_only_once_the_operator_confirms()
    {
        var workspace = Workspace();
        using var http = fixture.Client();
        var file = Encoding.UTF8.GetBytes("Nombre,Correo electrónico,Teléfono,Ciudad,Notas\nLucía Pérez,lucia@example.com,+54 9 11 5555-1234,Córdoba,cliente antiguo\n");
        var (status, _, accepted, body) = await Imports.UploadAsync(http, workspace, "generic", file);
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal(FileImportStatus.AwaitingConfirmation, accepted!.Status);
        Assert.Equal("Nombre", accepted.Mapping["full_name"]);
        Assert.Equal("Correo electrónico", accepted.Mapping["email"]);
        Assert.Equal("Teléfono", accepted.Mapping["phone"]);
        Assert.Equal("Ciudad", accepted.Mapping["city"]);
        Assert.Equal(0, await fixture.CountAsync("select count(*) from raw_records where workspace_id = @ws", ("ws", workspace)));

        using var confirm = await http.PostAsJsonAsync($"/api/imports/{accepted.Id}/confirm", new { mapping = (object?)null });
        Assert.Equal(HttpStatusCode.Accepted, confirm.StatusCode);
        var import = await Imports.WaitAsync(http, accepted.Id);
        Assert.Equal(1, import.RowsStaged);
        var lucia = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace);
        Assert.Equal("Lucía Pérez", lucia.Record.Person!.FullName);
        Assert.Equal("Córdoba", lucia.Record.Person.City);
        Assert.Equal("cliente antiguo", lucia.Record.Attributes["col.Notas"]);
    }

    [Fact]
    public async Task A_generic_file_with_a_mapping_given_stages_at_once_and_a_mapping_naming_a_missing_column_is_refused()
    {
        var workspace = Workspace();
        using var http = fixture.Client();
        var file = Encoding.UTF8.GetBytes("Quem;Contato principal;Valor pago;Quando\nJoana;joana@example.com;1.500,00;03/01/2026\n");
        var import = await Imports.ImportAsync(http, workspace, "generic", file,
            "&map.full_name=Quem&map.email=Contato%20principal&map.amount=Valor%20pago&map.occurred_at=Quando");
        Assert.Equal(FileImportStatus.Completed, import.Status);
        Assert.Equal(1, import.RowsStaged);
        var joana = await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace);
        Assert.Equal(EntityType.Purchase, joana.Record.EntityType);
        Assert.Equal(1500.00m, joana.Record.Money!.Amount);
        Assert.Equal("BRL", joana.Record.Money.Currency);
        Assert.Equal(new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.FromHours(-3)), joana.Record.Money.OccurredAt);

        var (status, _, _, body) = await Imports.UploadAsync(http, workspace, "generic", file, "&map.email=Correo");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("'Correo', which the file does not have", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_without_a_workspace_with_an_unknown_format_or_without_the_formats_columns_get_problem_details()
    {
        using var http = fixture.Client();
        var file = ManyChatSamples.Utf8("Nome;E-mail\nAna;ana@example.com\n");
        using (var noWorkspace = await http.PostAsync("/api/imports?format=manychat", new ByteArrayContent(file)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noWorkspace.StatusCode);
            Assert.Contains("workspaceId", await noWorkspace.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var (unknown, _, _, unknownBody) = await Imports.UploadAsync(http, "w", "excel", file);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("manychat, gohighlevel, hotmart, generic", unknownBody, StringComparison.Ordinal);
        var (missing, _, _, missingBody) = await Imports.UploadAsync(http, "w", "manychat", file);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing);
        Assert.Contains("subscriber_id", missingBody, StringComparison.Ordinal);
        Assert.Contains("Nome, E-mail", missingBody, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(fixture.SpoolDirectory) ? Directory.GetFiles(fixture.SpoolDirectory) : []);
    }

    [Fact]
    public async Task Rejected_rows_are_paged_in_line_order()
    {
        using var http = fixture.Client();
        var import = await Imports.ImportAsync(http, Workspace(), "manychat", ManyChatSamples.Utf8(ManyChatSamples.WithBadRows("pg")));
        var second = await Imports.RejectedAsync(http, import.Id, page: 2, pageSize: 2);
        Assert.Equal(3, second.Total);
        Assert.Equal(6, Assert.Single(second.Items).Line);
        using var bad = await http.GetAsync($"/api/imports/{import.Id}/rejected?pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var missing = await http.GetAsync($"/api/imports/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_deferred_import_waits_for_the_operator_to_unify_it()
    {
        var workspace = Workspace();
        using var http = fixture.Client();
        var import = await Imports.ImportAsync(http, workspace, "manychat", ManyChatSamples.Utf8(ManyChatSamples.WithBadRows("df")), "&unify=deferred");
        Assert.Null(import.ReleasedAt);
        Assert.Equal(3, await fixture.CountAsync(
            "select count(*) from raw_records r join raw_record_deferred d using (workspace_id, id) where r.workspace_id = @ws and r.unify = 'deferred'",
            ("ws", workspace)));

        using var unify = await http.PostAsync($"/api/imports/{import.Id}/unify", null);
        Assert.Equal(HttpStatusCode.Accepted, unify.StatusCode);
        Assert.Contains("\"rowsReleased\":3", await unify.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await fixture.Staged.WaitForAsync(m => m.WorkspaceId == workspace && m.Record.ExternalId == "manychat:df6");
    }
}
