using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.Web.Tests;

/// <summary>Connecting a source from its tile, importing a CSV file, and finding a client by a source's own id, in the browser.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class ConnectImportAndSearchBrowserTests(CommandCenterFixture center)
{
    [Fact]
    public async Task An_operator_connects_Ploomes_from_a_form_built_from_its_spec_sees_a_wrong_key_refused_and_the_secret_is_never_shown_back()
    {
        const string workspace = "web-connect";
        var rightKey = CommandCenterFixture.KeyOf(workspace);
        using (var account = await center.SimulatorAdmin.PostAsJsonAsync("_simulator/accounts",
            new { source = "ploomes", credential = rightKey, seed = 3, size = 5, ratePermits = 0 }))
        {
            Assert.True(account.IsSuccessStatusCode, await account.Content.ReadAsStringAsync());
        }
        using (var created = await center.Api.PutAsJsonAsync($"api/workspaces/{workspace}", new { name = "Connect" }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }
        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);

        await page.GetByTestId("connect-ploomes").ClickAsync();
        var dialog = page.GetByTestId("connect-dialog");
        // The form is the spec: every Ploomes field, the required secret as a password input.
        foreach (var field in new[] { "userKey", "validationKey", "clientTagName", "clientTagId", "defaultCurrency", "baseAddress" })
        {
            await Expect(dialog.GetByTestId($"field-{field}")).ToBeVisibleAsync();
        }
        await Expect(dialog.GetByTestId("field-userKey")).ToHaveAttributeAsync("type", "password");
        await Expect(dialog.GetByTestId("field-userKey")).ToHaveAttributeAsync("required", "");
        await Expect(dialog.GetByTestId("secret-userKey")).ToHaveTextAsync("secreto");

        await dialog.GetByTestId("field-userKey").FillAsync("not-a-ploomes-key");
        await dialog.GetByTestId("field-clientTagName").FillAsync("Cliente");
        await dialog.GetByTestId("connect-save").ClickAsync();
        await Expect(dialog.GetByTestId("connect-check")).ToHaveAttributeAsync("data-ok", "false");
        await Expect(dialog.GetByTestId("connect-check")).ToContainTextAsync("A verificação falhou");

        // Stored but refused: the secret is marked set, its input is empty, the plain field is kept.
        await Expect(dialog.GetByTestId("secret-userKey")).ToHaveTextAsync("secreto · definido");
        await Expect(dialog.GetByTestId("field-userKey")).ToHaveValueAsync("");
        await Expect(dialog.GetByTestId("field-clientTagName")).ToHaveValueAsync("Cliente");

        await dialog.GetByTestId("field-userKey").FillAsync(rightKey);
        await dialog.GetByTestId("connect-save").ClickAsync();
        await Expect(dialog.GetByTestId("connect-check")).ToHaveAttributeAsync("data-ok", "true");
        await CommandCenterFixture.ScreenshotAsync(page, "10-connect-source");
        Assert.DoesNotContain(rightKey, await page.ContentAsync(), StringComparison.Ordinal);
        var stored = await center.Api.GetStringAsync($"api/workspaces/{workspace}/sources/ploomes");
        Assert.DoesNotContain(rightKey, stored, StringComparison.Ordinal);
        Assert.Contains("userKey", JsonDocument.Parse(stored).RootElement.GetProperty("secretsSet").EnumerateArray().Select(e => e.GetString()));

        // Connected: the tile now offers Sync.
        await dialog.GetByTestId("connect-close").ClickAsync();
        await Expect(page.GetByTestId("sync-ploomes")).ToBeEnabledAsync();
        await Expect(page.GetByTestId("state-ploomes")).ToHaveAttributeAsync("data-state", "never_synced");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_generic_CSV_uploaded_with_a_column_mapping_stages_the_good_rows_and_lists_each_rejected_row_with_its_line_and_reason()
    {
        const string workspace = "web-import";
        var csv = string.Join("\n",
            "Codigo,Nome,Correo,Cadastro",
            "IMP-1,Ana Import,ana.import@example.com,01/02/2024",
            "IMP-2,Bruno Import,bruno.import@example.com,ontem",
            "IMP-3,Carla Import,carla.import@example.com",
            "IMP-4,Duda Import,duda.import@example.com,03/04/2024") + "\n";
        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);

        await page.GetByTestId("upload-csv").ClickAsync();
        await page.GetByTestId("import-format").SelectOptionAsync("generic");
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = "clientes.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.GetByTestId("map-external_id")).ToBeEnabledAsync();
        await page.GetByTestId("map-external_id").SelectOptionAsync("Codigo");
        await page.GetByTestId("map-full_name").SelectOptionAsync("Nome");
        await page.GetByTestId("map-email").SelectOptionAsync("Correo");
        await page.GetByTestId("map-created_at").SelectOptionAsync("Cadastro");
        await page.GetByTestId("import-upload").ClickAsync();

        await Expect(page.GetByTestId("upload-progress")).ToContainTextAsync("100%");
        await Expect(page.GetByTestId("import-detail")).ToHaveAttributeAsync("data-status", "completed");
        await Expect(page.GetByTestId("import-staged")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("import-rejected")).ToHaveTextAsync("2");
        var rows = page.GetByTestId("rejected-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).GetByTestId("rejected-line")).ToHaveTextAsync("3");
        await Expect(rows.Nth(0)).ToContainTextAsync("Cadastro");
        await Expect(rows.Nth(1).GetByTestId("rejected-line")).ToHaveTextAsync("4");
        await Expect(page.GetByTestId("import-row")).ToHaveCountAsync(1);
        await CommandCenterFixture.ScreenshotAsync(page, "11-csv-import");

        // The mapping the browser chose is the one the service used.
        var imports = await center.Api.GetFromJsonAsync<JsonElement>($"api/imports?workspaceId={workspace}");
        var mapping = imports.GetProperty("items")[0].GetProperty("mapping");
        Assert.Equal("Correo", mapping.GetProperty("email").GetString());
        Assert.Equal("Codigo", mapping.GetProperty("external_id").GetString());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_client_is_found_by_a_Stripe_customer_id_or_a_Hotmart_transaction_id_as_well_as_by_name()
    {
        const string workspace = "web-sourceid";
        await center.StageAsync(
            CommandCenterFixture.Record(workspace, "stripe", "cus_WEB42", "Rita Fonte", "email:rita.fonte@example.com", "stripe_customer_id:cus_WEB42"),
            CommandCenterFixture.Record(workspace, "hotmart", "HP-TX-98765", "Rita Fonte", "email:rita.fonte@example.com"));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await center.Api.GetFromJsonAsync<JsonElement>($"api/clients?workspaceId={workspace}&q=rita.fonte@example.com"))
               .GetProperty("items").EnumerateArray().Sum(c => c.GetProperty("recordCount").GetInt32()) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two records were not unified into one client" + Environment.NewLine + center.Logs());
            await Task.Delay(250);
        }

        var (context, page, errors) = await center.OpenAsync();
        await using var _ = context;
        await CommandCenterFixture.SignInAsync(page, workspace);
        await page.GetByTestId("nav-clients").ClickAsync();
        foreach (var query in new[] { "cus_WEB42", "HP-TX-98765", "Rita" })
        {
            await page.GetByTestId("client-search").FillAsync(query);
            await page.GetByTestId("client-search-go").ClickAsync();
            await Expect(page.GetByTestId("client-row")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("client-link")).ToHaveTextAsync("Rita Fonte");
        }
        await page.GetByTestId("client-search").FillAsync("cus_NOBODY");
        await page.GetByTestId("client-search-go").ClickAsync();
        await Expect(page.GetByTestId("no-clients")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.OK, (await center.Api.GetAsync($"api/clients?workspaceId={workspace}&q=cus_WEB42")).StatusCode);
        Assert.Empty(errors);
    }
}
