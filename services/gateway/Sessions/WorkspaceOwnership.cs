using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Sessions;

/// <summary>Whether a resource named in a path belongs to one of the caller's workspaces.</summary>
internal enum Ownership
{
    Ours,
    /// <summary>Another workspace's, or none at all (the service would answer 404 itself).</summary>
    NotOurs,
    Missing,
    /// <summary>The owning service did not answer.</summary>
    Unknown,
    /// <summary>The path names a resource by id but no rule here says how to find its workspace.</summary>
    NoRule,
}

/// <summary>
/// Paths that name a resource by id (<c>/api/syncs/{id}</c>…) do not carry the workspace, so for a session or a key
/// limited to some workspaces the gateway
/// first reads the resource from its service and compares its <c>workspaceId</c>. A new by-id route needs a rule
/// here, or such callers are refused it (403): a route nobody thought about must not leak another workspace.
/// </summary>
internal sealed partial class WorkspaceOwnership(IHttpClientFactory clients, IProxyStateLookup proxy, ILogger<WorkspaceOwnership> logger)
{
    public const string HttpClientName = "workspace-ownership";

    private sealed record Rule(Regex Path, string Cluster, string Lookup, bool ScanBlockedValues = false, bool ScopedByQuery = false);

    private static readonly Rule[] Rules =
    [
        new(ClientPath(), "identity-resolution", "api/clients/{id}"),
        new(CustomerPath(), "identity-resolution", "api/clients/{id}"),
        new(ConflictPath(), "identity-resolution", "api/conflicts/{id}"),
        new(BlockedValuePath(), "identity-resolution", "api/identity/blocked-values", ScanBlockedValues: true),
        new(SyncPath(), "sync-orchestrator", "api/syncs/{id}"),
        new(UnifyPath(), "sync-orchestrator", "api/unify/{id}"),
        new(SchedulePath(), "sync-orchestrator", "api/schedules/{id}"),
        new(AlertPath(), "sync-orchestrator", "api/alerts/{id}"),
        new(SalePath(), "aggregation", "api/sales/{id}"),
        new(ImportPath(), "connector-csv", "api/imports/{id}"),
        // Campaigns finds these by id within the workspaceId of the query, which the guard has already checked.
        new(CampaignsPath(), "campaigns", "", ScopedByQuery: true),
    ];

    /// <summary>Null when the path names no resource by id (the workspaceId query parameter scopes it).</summary>
    public async Task<Ownership?> CheckAsync(string path, IReadOnlyList<string> workspaces, CancellationToken cancellationToken)
    {
        bool allowed(string? workspace) => workspace is not null && workspaces.Contains(workspace, StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            var match = rule.Path.Match(path);
            if (!match.Success)
            {
                continue;
            }
            if (rule.ScopedByQuery)
            {
                return Ownership.Ours;
            }
            var id = match.Groups["id"].Value;
            return rule.ScanBlockedValues
                ? await ScanBlockedValuesAsync(rule.Cluster, long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), workspaces, cancellationToken)
                : await ReadOwnerAsync(rule.Cluster, rule.Lookup.Replace("{id}", id, StringComparison.Ordinal), allowed, cancellationToken);
        }
        // Any other path segment that is an id: refused until a rule above says whose it is.
        return path.Split('/').Skip(3).Any(segment => IdSegment().IsMatch(segment)) ? Ownership.NoRule : null;
    }

    private async Task<Ownership> ReadOwnerAsync(string cluster, string lookup, Func<string?, bool> allowed, CancellationToken cancellationToken)
    {
        var (status, body) = await GetAsync(cluster, lookup, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            return Ownership.Missing;
        }
        if (status != HttpStatusCode.OK || body is null)
        {
            return Ownership.Unknown;
        }
        using (body)
        {
            return body.RootElement.TryGetProperty("workspaceId", out var owner) && owner.ValueKind == JsonValueKind.String
                && allowed(owner.GetString()) ? Ownership.Ours : Ownership.NotOurs;
        }
    }

    private async Task<Ownership> ScanBlockedValuesAsync(string cluster, long id, IReadOnlyList<string> workspaces, CancellationToken cancellationToken)
    {
        foreach (var workspace in workspaces)
        {
            if (await ScanBlockedValuesAsync(cluster, id, workspace, cancellationToken) is var found and not Ownership.NotOurs)
            {
                return found;
            }
        }
        return Ownership.NotOurs;
    }

    private async Task<Ownership> ScanBlockedValuesAsync(string cluster, long id, string workspace, CancellationToken cancellationToken)
    {
        for (var page = 1; page <= 50; page++)
        {
            var (status, body) = await GetAsync(cluster,
                $"api/identity/blocked-values?workspaceId={Uri.EscapeDataString(workspace)}&pageSize=200&page={page}", cancellationToken);
            if (status != HttpStatusCode.OK || body is null)
            {
                return Ownership.Unknown;
            }
            using (body)
            {
                var items = body.RootElement.GetProperty("items");
                if (items.EnumerateArray().Any(i => i.GetProperty("id").GetInt64() == id))
                {
                    return Ownership.Ours;
                }
                if (items.GetArrayLength() < 200)
                {
                    return Ownership.NotOurs;
                }
            }
        }
        return Ownership.NotOurs;
    }

    private async Task<(HttpStatusCode? Status, JsonDocument? Body)> GetAsync(string cluster, string path, CancellationToken cancellationToken)
    {
        if (!proxy.TryGetCluster(cluster, out var state)
            || state.Model.Config.Destinations?.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Value).FirstOrDefault() is not { } destination)
        {
            logger.LogWarning("No destination for cluster {Cluster}; cannot check which workspace owns {Path}", cluster, path);
            return (null, null);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await clients.CreateClient(HttpClientName).GetAsync(new Uri(new Uri(destination.Address.TrimEnd('/') + "/"), path), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (response.StatusCode, null);
            }
            return (response.StatusCode, await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not read {Path} from {Cluster} to check its workspace: {Error}", path, cluster, ex.Message);
            return (null, null);
        }
    }

    private const string Guid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    [GeneratedRegex($"^/api/clients/(?<id>{Guid})(/.*)?$")]
    private static partial Regex ClientPath();

    [GeneratedRegex($"^/api/(customers|cs-customers)/(?<id>{Guid})(/.*)?$")]
    private static partial Regex CustomerPath();

    [GeneratedRegex($"^/api/conflicts/(?<id>{Guid})(/.*)?$")]
    private static partial Regex ConflictPath();

    [GeneratedRegex(@"^/api/identity/blocked-values/(?<id>\d{1,18})(/.*)?$")]
    private static partial Regex BlockedValuePath();

    [GeneratedRegex($"^/api/syncs/(?<id>{Guid})(/.*)?$")]
    private static partial Regex SyncPath();

    [GeneratedRegex($"^/api/unify/(?<id>{Guid})(/.*)?$")]
    private static partial Regex UnifyPath();

    [GeneratedRegex($"^/api/schedules/(?<id>{Guid})(/.*)?$")]
    private static partial Regex SchedulePath();

    [GeneratedRegex($"^/api/alerts/(?<id>{Guid})(/.*)?$")]
    private static partial Regex AlertPath();

    [GeneratedRegex(@"^/api/sales/(?<id>\d{1,18})(/.*)?$")]
    private static partial Regex SalePath();

    [GeneratedRegex($"^/api/imports/(?<id>{Guid})(/.*)?$")]
    private static partial Regex ImportPath();

    [GeneratedRegex($"^/api/(campaigns|target-groups|audiences)/(?<id>{Guid})(/.*)?$")]
    private static partial Regex CampaignsPath();

    [GeneratedRegex($@"^({Guid}|\d+)$")]
    private static partial Regex IdSegment();
}
