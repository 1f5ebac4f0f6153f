using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Web.Tests;

/// <summary>The gateway's one API document: every service's /api paths, documented, and clean for a standard linter.</summary>
[Collection(CommandCenterGroup.Name)]
public sealed class OpenApiDocumentTests(CommandCenterFixture center, ITestOutputHelper output)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_gateway_document_lists_every_api_path_of_every_service_with_summaries_errors_and_examples()
    {
        using var anonymous = new HttpClient { BaseAddress = center.Gateway.Address };
        var merged = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!.AsObject();
        Assert.StartsWith("3.1", merged["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = merged["paths"]!.AsObject();

        foreach (var service in center.Services.Where(s => s.Name is "identity-resolution" or "aggregation" or "sync-orchestrator"))
        {
            using var client = new HttpClient { BaseAddress = service.Address };
            var own = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
            var apiPaths = own.Select(p => p.Key).Where(p => p.StartsWith("/api/", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(apiPaths);
            Assert.All(apiPaths, p => Assert.True(paths.ContainsKey(p), $"{service.Name}'s {p} is missing from the gateway's document"));
            output.WriteLine($"{service.Name}: {apiPaths.Count} paths");
        }
        Assert.True(paths.ContainsKey("/api/session"));
        Assert.True(paths.ContainsKey("/api/live/syncs"));

        foreach (var (path, item) in paths)
        {
            foreach (var (method, node) in item!.AsObject().Where(o => Methods.Contains(o.Key)))
            {
                var operation = node!.AsObject();
                Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
                var responses = operation["responses"]!.AsObject();
                Assert.Contains(responses, r => r.Key.StartsWith('2'));
                Assert.Contains(responses, r => r.Key.StartsWith('4') && r.Value!["content"]?["application/problem+json"] is not null);
                Assert.Contains(responses, r => r.Value!["content"]?.AsObject().Any(c => c.Value!["example"] is not null) == true);
            }
        }

        using var docs = await anonymous.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("scalar", await docs.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_gateway_document_lints_clean_with_redocly()
    {
        using var anonymous = new HttpClient { BaseAddress = center.Gateway.Address };
        var file = Path.Combine(Path.GetTempPath(), $"platform-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await anonymous.GetStringAsync("/openapi/v1.json"));
        try
        {
            var redocly = Path.Combine(TestEnvironment.RepoRoot, "web", "node_modules", ".bin", "redocly");
            Assert.True(File.Exists(redocly), "web/node_modules has no redocly: run npm ci in web/ (./platform test does)");
            var info = new ProcessStartInfo(redocly, ["lint", file, "--format", "stylish"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(),
            };
            info.Environment["REDOCLY_TELEMETRY"] = "off";
            info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var lint = Process.Start(info)!;
            var stdout = lint.StandardOutput.ReadToEndAsync();
            var stderr = await lint.StandardError.ReadToEndAsync();
            await lint.WaitForExitAsync();
            output.WriteLine(await stdout + stderr);
            Assert.True(lint.ExitCode == 0, $"redocly lint found errors:{Environment.NewLine}{await stdout}{stderr}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
