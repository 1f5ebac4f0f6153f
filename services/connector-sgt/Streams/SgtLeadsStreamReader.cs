using System.Globalization;
using Platform.Connectors.Backfill;
using Platform.Connectors.Http;
using Platform.Connectors.Sgt.Api;
using Platform.Connectors.Sgt.Mapping;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Sgt.Streams;

/// <summary>
/// Every lead of the workspace's SGT company, page by page in lead_id order (the cursor is the next page number).
/// A full sync reads every lead, customer or not; an incremental one asks for <c>updated_since</c> = the runner's
/// watermark minus its overlap; a date range reads from its start and leaves out leads updated at or after its end.
/// Unchanged leads re-read by a full scan stage nothing (the SDK dedupes identical payloads).
/// </summary>
public sealed class SgtLeadsStreamReader(ISgtApi api) : ISourceStreamReader
{
    public string Name => SgtLeadMapping.LeadsStream;

    public async Task<BackfillPage> ReadPageAsync(StreamReadContext context, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (token, empresa) = Credentials(context);
        var page = cursor is null ? 1 : int.Parse(cursor, NumberStyles.Integer, CultureInfo.InvariantCulture);
        var since = context.Since?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        // The page is read in place: its records are built (their bytes copied out) before it is disposed.
        using var answer = await api.ListLeadsAsync(empresa, page, SgtApi.MaxPerPage, since, token, context.WorkspaceId, cancellationToken)
            .ContentOrThrowAsync(SgtApi.Errors, context.WorkspaceId);
        var result = SgtApi.LeadsPage(answer);
        var records = new List<StagedRecordInput>(result.Data.Count);
        foreach (var lead in result.Data)
        {
            var record = SgtLeadMapping.Map(lead);
            if (context.Until is { } until && record.SourceUpdatedAt >= until)
            {
                continue;
            }
            records.Add(StagedRecordInput.Of(Name, lead, record));
        }
        var more = result.Data.Count > 0 && page < result.TotalPages;
        return new BackfillPage(records, more ? (page + 1).ToString(CultureInfo.InvariantCulture) : null, result.Data.Count);
    }

    /// <summary>The workspace's bearer token and the company (<c>empresa</c>) it reads.</summary>
    private static (string Token, string Empresa) Credentials(StreamReadContext context)
    {
        var token = context.Credentials["Token"];
        var empresa = context.Credentials["Empresa"];
        if (string.IsNullOrWhiteSpace(token) || string.IsNullOrWhiteSpace(empresa))
        {
            throw new SourceException("credentials_missing",
                $"Workspace '{context.WorkspaceId}' has no SGT Token and Empresa (Connectors__Sgt__Workspaces__{context.WorkspaceId}__Token and __Empresa: blue or tokeniza).");
        }
        return (token.Trim(), empresa.Trim().ToLowerInvariant());
    }
}
