using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Yarp.ReverseProxy;

namespace Platform.Gateway.Sessions;

/// <summary>Whether a resource named in a path belongs to the session's workspace.</summary>
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
/// Paths that name a resource by id (<c>/api/syncs/{id}</c>…) do not carry the workspace, so for a session the gateway
/// first reads the resource from its service and compares its <c>workspaceId</c>. A new by-id route needs a rule
/// here, or sessions are refused it (403): a route nobody thought about must not leak another workspace.
/// </summary>
internal sealed partial class WorkspaceOwnership(IHttpClientFactory clients, IProxyStateLookup proxy, ILogger<WorkspaceOwnership> logger)
{
    public const string HttpClientName = "workspace-ownership";

    // ScopedByQuery: the service answers by-id reads only within the workspaceId it is given (campaigns), so the lookup
    // asks within the session's workspace and another workspace's resource is simply not found there.
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
        new(CampaignPath(), "campaigns", "api/campaigns/{id}", ScopedByQuery: true),
        new(AudiencePath(), "campaigns", "api/audiences/{id}", ScopedByQuery: true),
        new(TargetGroupPath(), "campaigns", "api/target-groups/{id}", ScopedByQuery: true),
        new(ImportPath(), "connector-csv", "api/imports/{id}"),
    ];

    /// <summary>Null when the path names no resource by id (the workspaceId query parameter scopes it).</summary>
    public async Task<Ownership?> CheckAsync(string path, string workspace, CancellationToken cancellationToken)
    {
        foreach (var rule in Rules)
        {
            var match = rule.Path.Match(path);
            if (!match.Success)
            {
                continue;
            }
            var id = match.Groups["id"].Value;
            if (rule.ScanBlockedValues)
            {
                return await ScanBlockedValuesAsync(rule.Cluster, long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), workspace, cancellationToken);
            }
            var lookup = rule.Lookup.Replace("{id}", id, StringComparison.Ordinal)
                + (rule.ScopedByQuery ? "?workspaceId=" + Uri.EscapeDataString(workspace) : "");
            var owner = await ReadOwnerAsync(rule.Cluster, lookup, workspace, cancellationToken);
            return rule.ScopedByQuery && owner == Ownership.Missing ? Ownership.NotOurs : owner;
        }
        // Any other path segment that is an id: refused until a rule above says whose it is.
        return path.Split('/').Skip(3).Any(segment => IdSegment().IsMatch(segment)) ? Ownership.NoRule : null;
    }

    private async Task<Ownership> ReadOwnerAsync(string cluster, string lookup, string workspace, CancellationToken cancellationToken)
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
                && owner.GetString() == workspace ? Ownership.Ours : Ownership.NotOurs;
        }
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

    [GeneratedRegex($"^/api/campaigns/(?<id>{Guid})(/.*)?$")]
    private static partial Regex CampaignPath();

    [GeneratedRegex($"^/api/audiences/(?<id>{Guid})(/.*)?$")]
    private static partial Regex AudiencePath();

    [GeneratedRegex($"^/api/target-groups/(?<id>{Guid})(/.*)?$")]
    private static partial Regex TargetGroupPath();

    [GeneratedRegex($"^/api/imports/(?<id>{Guid})(/.*)?$")]
    private static partial Regex ImportPath();

    [GeneratedRegex($@"^({Guid}|\d+)$")]
    private static partial Regex IdSegment();
}
