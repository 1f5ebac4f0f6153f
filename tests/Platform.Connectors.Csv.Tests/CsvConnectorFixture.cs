using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Connectors.Files;
using Platform.Testing;

namespace Platform.Connectors.Csv.Tests;

/// <summary>connector-csv in-process on its own database and virtual host; small COPY batches so files span several.</summary>
public class CsvConnectorFixture() : ConnectorHostFixture<Program>("csv")
{
    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), "csv-tests-" + Guid.NewGuid().ToString("N"));

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Connector:Files:SpoolDirectory"] = SpoolDirectory,
        ["Connector:Files:BatchSize"] = "3",
        ["Connector:Files:PollInterval"] = "00:00:00.200",
    };

    public HttpClient Client() => Service.CreateClient();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }
}

/// <summary>Uploads and polls through the import API.</summary>
internal static class Imports
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<(HttpStatusCode Status, Uri? Location, ImportResponse? Import, string Body)> UploadAsync(HttpClient http,
        string workspace, string format, byte[] file, string extraQuery = "", string fileName = "test.csv")
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await http.PostAsync(
            $"/api/imports?workspaceId={workspace}&format={format}&fileName={Uri.EscapeDataString(fileName)}{extraQuery}", content);
        var body = await response.Content.ReadAsStringAsync();
        var import = response.StatusCode == HttpStatusCode.Accepted ? JsonSerializer.Deserialize<ImportResponse>(body, Json) : null;
        return (response.StatusCode, response.Headers.Location, import, body);
    }

    /// <summary>Polls until the import leaves received/staging.</summary>
    public static async Task<ImportResponse> WaitAsync(HttpClient http, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var import = await http.GetFromJsonAsync<ImportResponse>($"/api/imports/{id}", Json);
            if (import!.Status is not (FileImportStatus.Received or FileImportStatus.Staging))
            {
                return import;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"import {id} still '{import.Status}' after 60 s ({import.RowsRead} rows read)");
            }
            await Task.Delay(100);
        }
    }

    public static async Task<ImportResponse> ImportAsync(HttpClient http, string workspace, string format, byte[] file, string extraQuery = "")
    {
        var (status, _, import, body) = await UploadAsync(http, workspace, format, file, extraQuery);
        Assert.True(status == HttpStatusCode.Accepted, $"upload answered {(int)status}: {body}");
        return await WaitAsync(http, import!.Id);
    }

    public static async Task<ImportPage<RejectedRowResponse>> RejectedAsync(HttpClient http, Guid id, int page = 1, int pageSize = 100) =>
        (await http.GetFromJsonAsync<ImportPage<RejectedRowResponse>>($"/api/imports/{id}/rejected?page={page}&pageSize={pageSize}", Json))!;
}
