using System.Text.Json;
using Platform.Connectors.Http;
using Platform.Connectors.Json;
using Refit;

namespace Platform.Connectors.Sgt.Api;

/// <summary>
/// SGT's lead API (the companies' internal lead system; its contract is issue 12). One bearer token per company;
/// <c>workspaceId</c> goes into the request's options so the SDK's rate limit (10 requests/s) and counters apply per
/// workspace.
/// </summary>
public interface ISgtApi
{
    /// <summary>
    /// <c>GET /api/leads?empresa=&amp;page=&amp;per_page=&amp;updated_since=</c>: a page of a company's leads in lead_id order,
    /// read in place (<see cref="SgtApi.LeadsPage"/>; each lead's bytes are staged untouched).
    /// </summary>
    [Get("/api/leads")]
    Task<IApiResponse<JsonPage>> ListLeadsAsync(
        [Query] string empresa,
        [Query] int page,
        [Query, AliasAs("per_page")] int perPage,
        [Query, AliasAs("updated_since")] string? updatedSince,
        [Authorize("Bearer")] string token,
        [Property(SgtApi.WorkspaceOption)] string workspaceId,
        CancellationToken cancellationToken);

    /// <summary><c>GET /api/leads/buscar?email=|telefone=</c>: one lead (a 404 when there is none).</summary>
    [Get("/api/leads/buscar")]
    Task<IApiResponse<JsonDocument>> FindLeadAsync(
        [Query] string? email,
        [Query] string? telefone,
        [Authorize("Bearer")] string token,
        [Property(SgtApi.WorkspaceOption)] string workspaceId,
        CancellationToken cancellationToken);
}

/// <summary>One page of <c>GET /api/leads</c>: its leads point into the answer (use them before disposing it).</summary>
public sealed record SgtLeadPage(IReadOnlyList<JsonElement> Data, int Page, int TotalPages);

public static class SgtApi
{
    /// <summary>The request option the SDK's handlers read the workspace from (<c>SourceRequest.Workspace</c>).</summary>
    public const string WorkspaceOption = "platform.workspace";

    /// <summary>SGT's largest page.</summary>
    public const int MaxPerPage = 200;

    /// <summary>How SGT's failures read (the SDK's one mapping), and what to do about a refused token.</summary>
    public static readonly SourceApiErrors Errors = new("SGT", workspace =>
        $"Set the workspace's SGT token again (Connectors__Sgt__Workspaces__{workspace}__Token or the workspace's source settings).");

    /// <summary>A <c>GET /api/leads</c> answer as a page; no answer (an empty 200) is an empty last page.</summary>
    public static SgtLeadPage LeadsPage(JsonPage? answer)
    {
        if (answer is null)
        {
            return new SgtLeadPage([], 0, 0);
        }
        var root = answer.RootObject("SGT", "/api/leads");
        return new SgtLeadPage(JsonPage.Items(root, "data"), (int)(JsonFields.Long(root, "page") ?? 0), (int)(JsonFields.Long(root, "total_pages") ?? 0));
    }
}
