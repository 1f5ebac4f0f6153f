using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Connectors.Ploomes.Tests;

/// <summary>
/// A tiny Ploomes API on a free loopback port: <c>GET /Contacts</c> and <c>GET /Deals</c>, by id
/// (<c>$filter=Id eq N</c>) or as a list, answering what a test put there; 401 for any other User-Key. The connector under test is pointed at it through
/// <c>Connectors:Ploomes:Http:BaseAddress</c>, so its real client, rate limiter and retries are exercised.
/// </summary>
public sealed partial class FakePloomes : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _userKey;
    private readonly ConcurrentDictionary<string, string> _entities = new();
    private readonly ConcurrentQueue<string> _requests = new();

    private FakePloomes(WebApplication app, string userKey)
    {
        _app = app;
        _userKey = userKey;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Every path and query received, in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<FakePloomes> StartAsync(string userKey)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "FakePloomes" });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakePloomes(app, userKey);
        app.MapGet("/{resource}", fake.Answer);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Address = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>Makes <paramref name="json"/> the current state of <c>/{resource}</c> id <paramref name="id"/>.</summary>
    public void Put(string resource, long id, string json) => _entities[Key(resource, id)] = json;

    public void Delete(string resource, long id) => _entities.TryRemove(Key(resource, id), out _);

    /// <summary>How many times the connector read this record.</summary>
    public int ReadsOf(string resource, long id) =>
        _requests.Count(r => r.StartsWith($"/{resource}?", StringComparison.Ordinal) && r.Contains($"Id eq {id}", StringComparison.Ordinal));

    private IResult Answer(string resource, HttpRequest request)
    {
        _requests.Enqueue(request.Path + Uri.UnescapeDataString(request.QueryString.Value ?? ""));
        if (request.Headers["User-Key"] != _userKey)
        {
            return Results.Json(new { error = new { code = "401", message = "Invalid User-Key" } }, statusCode: StatusCodes.Status401Unauthorized);
        }
        var match = IdFilter().Match(request.Query["$filter"].ToString());
        string items;
        if (match.Success)
        {
            var id = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            items = _entities.TryGetValue(Key(resource, id), out var json) ? json : "";
        }
        else
        {
            // A list page: every record of the resource (other filters are not evaluated), $skip and $top applied.
            var skip = int.TryParse(request.Query["$skip"], CultureInfo.InvariantCulture, out var s) ? s : 0;
            var top = int.TryParse(request.Query["$top"], CultureInfo.InvariantCulture, out var t) ? t : 300;
            items = string.Join(',', _entities.Where(e => e.Key.StartsWith(resource + "/", StringComparison.Ordinal))
                .OrderBy(e => e.Key, StringComparer.Ordinal).Skip(skip).Take(top).Select(e => e.Value));
        }
        return Results.Text($$"""{"@odata.context":"{{Address}}$metadata#{{resource}}","value":[{{items}}]}""", "application/json");
    }

    private static string Key(string resource, long id) => $"{resource}/{id}";

    [GeneratedRegex(@"^Id eq (\d+)$")]
    private static partial Regex IdFilter();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
