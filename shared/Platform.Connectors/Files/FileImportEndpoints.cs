using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Platform.Connectors.Files.Persistence;

namespace Platform.Connectors.Files;

/// <summary>An import as the API shows it.</summary>
public sealed record ImportResponse(
    Guid Id,
    string WorkspaceId,
    string Format,
    string FileName,
    string Status,
    string Unify,
    IReadOnlyDictionary<string, string> Mapping,
    IReadOnlyList<string> Columns,
    string? Encoding,
    string? Separator,
    long BytesTotal,
    long BytesRead,
    long RowsRead,
    long RowsStaged,
    long RowsUnchanged,
    long RowsRejected,
    DateTimeOffset? ReleasedAt,
    string? Error,
    string? RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    internal static ImportResponse From(FileImportRow row) => new(
        row.Id, row.WorkspaceId, row.Format, row.FileName, row.Status, row.Unify,
        row.Mapping is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Mapping)!,
        row.Columns, row.Encoding, row.Separator == "\t" ? "tab" : row.Separator, row.BytesTotal, row.BytesRead, row.RowsRead,
        row.RowsStaged, row.RowsUnchanged, row.RowsRejected, row.ReleasedAt, row.Error, row.RequestedBy, row.CreatedAt,
        row.StartedAt, row.FinishedAt);
}

/// <summary>A rejected row: its line in the file, the column at fault (null for the row's shape), why, and its text.</summary>
public sealed record RejectedRowResponse(long Line, string? Column, string Reason, string Raw);

/// <summary>A page of a list.</summary>
public sealed record ImportPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>The operator's answer to a guessed mapping: the mapping to use (null keeps the guess).</summary>
public sealed record ConfirmImportRequest(IReadOnlyDictionary<string, string>? Mapping);

/// <summary>How many rows a release handed to identity resolution.</summary>
public sealed record ReleaseImportResponse(Guid Id, int RowsReleased);

public static class FileImportEndpoints
{
    private const int MaxPageSize = 500;

    /// <summary>
    /// <c>/api/imports</c>: upload a file (202 + Location), read an import's progress, page its rejected rows,
    /// confirm a guessed mapping, release deferred rows for unification.
    /// </summary>
    public static IEndpointRouteBuilder MapFileImportEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/imports").WithTags("imports");
        imports.MapPost("", UploadAsync).WithName("upload-import");
        imports.MapGet("", ListAsync).WithName("list-imports");
        imports.MapGet("/{id:guid}", GetAsync).WithName("get-import");
        imports.MapGet("/{id:guid}/rejected", RejectedAsync).WithName("list-import-rejections");
        imports.MapPost("/{id:guid}/confirm", ConfirmAsync).WithName("confirm-import");
        imports.MapPost("/{id:guid}/unify", UnifyAsync).WithName("unify-import");
        return app;
    }

    internal static async Task<Results<Accepted<ImportResponse>, ProblemHttpResult>> UploadAsync(
        HttpContext http, FileIntake intake, string? workspaceId, string? format, string? fileName, string? unify, bool? confirm,
        CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = intake.MaxBytes;
        }
        var mapping = http.Request.Query
            .Where(q => q.Key.StartsWith("map.", StringComparison.OrdinalIgnoreCase) && q.Key.Length > 4)
            .ToDictionary(q => q.Key[4..], q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new UploadRequest(workspaceId, format, fileName, unify, confirm ?? false, mapping.Count == 0 ? null : mapping,
            http.Request.Headers["X-Operator"].ToString() is { Length: > 0 } who ? who : null);
        var outcome = await intake.ReceiveAsync(request, http.Request.Body, cancellationToken);
        return outcome.Problem is { } problem
            ? problem
            : TypedResults.Accepted($"/api/imports/{outcome.Import!.Id}", ImportResponse.From(outcome.Import));
    }

    internal static async Task<Results<Ok<ImportPage<ImportResponse>>, ProblemHttpResult>> ListAsync(FileImportStore store,
        string? workspaceId, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(workspaceId))
        {
            return Problem(StatusCodes.Status400BadRequest, "workspaceId is required", "Imports are listed one workspace at a time: add ?workspaceId=.");
        }
        if (PageProblem(page, pageSize) is { } bad)
        {
            return bad;
        }
        var (items, total) = await store.ListAsync(workspaceId, page ?? 1, pageSize ?? 50, cancellationToken);
        return TypedResults.Ok(new ImportPage<ImportResponse>([.. items.Select(ImportResponse.From)], page ?? 1, pageSize ?? 50, total));
    }

    internal static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetAsync(Guid id, FileImportStore store,
        CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } row
            ? TypedResults.Ok(ImportResponse.From(row))
            : NotFound(id);

    internal static async Task<Results<Ok<ImportPage<RejectedRowResponse>>, ProblemHttpResult>> RejectedAsync(Guid id, FileImportStore store,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (PageProblem(page, pageSize) is { } bad)
        {
            return bad;
        }
        if (await store.GetAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }
        var (items, total) = await store.RejectionsAsync(id, page ?? 1, pageSize ?? 100, cancellationToken);
        return TypedResults.Ok(new ImportPage<RejectedRowResponse>(
            [.. items.Select(r => new RejectedRowResponse(r.Line, r.Column, r.Reason, r.Raw))], page ?? 1, pageSize ?? 100, total));
    }

    internal static async Task<Results<Accepted<ImportResponse>, ProblemHttpResult>> ConfirmAsync(Guid id, FileIntake intake,
        ConfirmImportRequest? request, CancellationToken cancellationToken)
    {
        var outcome = await intake.ConfirmAsync(id, request?.Mapping, cancellationToken);
        return outcome.Problem is { } problem
            ? problem
            : TypedResults.Accepted($"/api/imports/{id}", ImportResponse.From(outcome.Import!));
    }

    internal static async Task<Results<Accepted<ReleaseImportResponse>, ProblemHttpResult>> UnifyAsync(Guid id, FileImportStore store,
        Staging.RelaySignal relay, TimeProvider clock, CancellationToken cancellationToken)
    {
        var import = await store.GetAsync(id, cancellationToken);
        if (import is null)
        {
            return NotFound(id);
        }
        if (import.Status != FileImportStatus.Completed)
        {
            return Problem(StatusCodes.Status409Conflict, "Import not finished",
                $"Import {id} is '{import.Status}'; its rows can be unified once it is 'completed'.");
        }
        var released = await store.ReleaseAsync(id, clock.GetUtcNow(), cancellationToken);
        relay.Notify();
        return TypedResults.Accepted($"/api/imports/{id}", new ReleaseImportResponse(id, released));
    }

    private static ProblemHttpResult? PageProblem(int? page, int? pageSize)
    {
        if (page is < 1)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid page", "page starts at 1.");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }
        return null;
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        Problem(StatusCodes.Status404NotFound, "Import not found", $"No import has id {id}.");

    internal static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
