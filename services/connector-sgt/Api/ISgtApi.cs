using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Platform.Connectors.Sgt.Api;

/// <summary>
/// SGT's lead API (the companies' internal lead system; its contract is issue 12). One bearer token per company;
/// <c>workspaceId</c> goes into the request's options so the SDK's rate limit (10 requests/s) and counters apply per
/// workspace.
/// </summary>
public interface ISgtApi
{
    /// <summary><c>GET /api/leads?empresa=&amp;page=&amp;per_page=&amp;updated_since=</c>: a page of a company's leads in lead_id order.</summary>
    [Get("/api/leads")]
    Task<SgtLeadPage> ListLeadsAsync(
        [Query] string empresa,
        [Query] int page,
        [Query, AliasAs("per_page")] int perPage,
        [Query, AliasAs("updated_since")] string? updatedSince,
        [Authorize("Bearer")] string token,
        [Property(SgtApi.WorkspaceOption)] string workspaceId,
        CancellationToken cancellationToken);

    /// <summary><c>GET /api/leads/buscar?email=|telefone=</c>: one lead (a 404 when there is none).</summary>
    [Get("/api/leads/buscar")]
    Task<SgtLeadResult> FindLeadAsync(
        [Query] string? email,
        [Query] string? telefone,
        [Authorize("Bearer")] string token,
        [Property(SgtApi.WorkspaceOption)] string workspaceId,
        CancellationToken cancellationToken);
}

/// <summary>One page of <c>GET /api/leads</c>. Leads stay raw JSON: the connector keeps each payload untouched.</summary>
public sealed record SgtLeadPage(
    [property: JsonPropertyName("data")] IReadOnlyList<JsonElement> Data,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("per_page")] int PerPage,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("total_pages")] int TotalPages);

/// <summary>The answer of <c>GET /api/leads/buscar</c>.</summary>
public sealed record SgtLeadResult([property: JsonPropertyName("data")] JsonElement Data);

/// <summary>Source-generated JSON for the Refit client (no reflection).</summary>
[JsonSerializable(typeof(SgtLeadPage))]
[JsonSerializable(typeof(SgtLeadResult))]
internal sealed partial class SgtJsonContext : JsonSerializerContext;

public static class SgtApi
{
    /// <summary>The request option the SDK's handlers read the workspace from (<c>SourceRequest.Workspace</c>).</summary>
    public const string WorkspaceOption = "platform.workspace";

    /// <summary>SGT's largest page.</summary>
    public const int MaxPerPage = 200;
}
