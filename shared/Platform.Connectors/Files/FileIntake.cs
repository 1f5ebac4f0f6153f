using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Connectors.Files.Persistence;

namespace Platform.Connectors.Files;

/// <summary>What an upload asked for.</summary>
/// <param name="WorkspaceId">The workspace the rows belong to.</param>
/// <param name="Format">The file's format name.</param>
/// <param name="FileName">The file's name, for lineage.</param>
/// <param name="Unify"><c>auto</c>, <c>now</c> or <c>deferred</c>.</param>
/// <param name="RequestedBy">The operator, as the gateway named them.</param>
/// <param name="Mapping">Canonical field → column given with the upload (<c>map.email=E-mail</c>), or null to guess.</param>
/// <param name="Confirm">Stage with the guessed mapping without waiting for the operator.</param>
public sealed record UploadRequest(string? WorkspaceId, string? Format, string? FileName, string? Unify, bool Confirm,
    IReadOnlyDictionary<string, string>? Mapping, string? RequestedBy);

/// <summary>An import created or changed, or the problem that stopped it.</summary>
public sealed record IntakeOutcome(FileImportRow? Import, ProblemHttpResult? Problem);

/// <summary>
/// Receives uploads: streams the body to a spool file (never the whole file in memory), checks the header against
/// the format before answering, records the import and wakes the worker.
/// </summary>
public sealed class FileIntake(
    FileImportStore store,
    FileImporter importer,
    FileImportOptions options,
    FileImportSignal signal,
    ConnectorDescriptor connector,
    TimeProvider clock)
{
    private static readonly string[] UnifyModes = ["auto", "now", "deferred"];

    public long MaxBytes => options.MaxBytes;

    public async Task<IntakeOutcome> ReceiveAsync(UploadRequest request, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(request.WorkspaceId))
        {
            return Fail(StatusCodes.Status400BadRequest, "workspaceId is required", "Say which workspace the file belongs to: ?workspaceId=.");
        }
        if (string.IsNullOrWhiteSpace(request.Format))
        {
            return Fail(StatusCodes.Status400BadRequest, "format is required",
                $"Say how the file is laid out: ?format= one of {string.Join(", ", importer.Formats)}.");
        }
        IFileFormat format;
        try
        {
            format = importer.Format(request.Format);
        }
        catch (FileFormatException ex)
        {
            return Fail(StatusCodes.Status400BadRequest, "Unknown format", ex.Message);
        }
        var unify = string.IsNullOrWhiteSpace(request.Unify) ? "auto" : request.Unify.Trim().ToLowerInvariant();
        if (!UnifyModes.Contains(unify))
        {
            return Fail(StatusCodes.Status400BadRequest, "Invalid unify", $"unify must be one of {string.Join(", ", UnifyModes)}; got '{request.Unify}'.");
        }

        var id = NewId.NextGuid();
        var directory = options.Spool(connector.Schema);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{id:N}.csv");
        long bytes;
        try
        {
            await using (var spool = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await body.CopyToAsync(spool, 1 << 20, cancellationToken);
                bytes = spool.Length;
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            FileImporter.TryDelete(path);
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return Fail(StatusCodes.Status413PayloadTooLarge, "File too large", $"Files of at most {options.MaxBytes} bytes are accepted.");
            }
            throw;
        }
        if (bytes == 0)
        {
            FileImporter.TryDelete(path);
            return Fail(StatusCodes.Status400BadRequest, "Empty file", "The request body is empty: send the CSV file as the body.");
        }

        FileHeader header;
        IFileRowMapper mapper;
        string encoding;
        try
        {
            (header, mapper, encoding) = importer.Bind(path, format, request.Mapping);
        }
        catch (Exception ex) when (ex is FileFormatException or CsvFormatException)
        {
            FileImporter.TryDelete(path);
            return Fail(StatusCodes.Status422UnprocessableEntity, $"Not a {format.Name} file", ex.Message);
        }

        var waits = request.Mapping is null && format.ConfirmGuessedMapping && !request.Confirm;
        var row = new FileImportRow
        {
            Id = id,
            WorkspaceId = request.WorkspaceId.Trim(),
            Format = format.Name,
            FileName = string.IsNullOrWhiteSpace(request.FileName) ? $"{id:N}.csv" : Path.GetFileName(request.FileName.Trim()),
            SpoolPath = path,
            Status = waits ? FileImportStatus.AwaitingConfirmation : FileImportStatus.Received,
            Unify = unify,
            Mapping = JsonSerializer.Serialize(mapper.Mapping),
            Columns = [.. header.Columns],
            Encoding = encoding,
            Separator = header.Separator.ToString(),
            BytesTotal = bytes,
            CorrelationId = id,
            RequestedBy = request.RequestedBy,
            CreatedAt = clock.GetUtcNow(),
        };
        await store.InsertAsync(row, cancellationToken);
        if (!waits)
        {
            signal.Notify();
        }
        return new IntakeOutcome(row, null);
    }

    /// <summary>Confirms (or corrects) the mapping of an import that waits for it, and starts staging.</summary>
    public async Task<IntakeOutcome> ConfirmAsync(Guid id, IReadOnlyDictionary<string, string>? mapping, CancellationToken cancellationToken)
    {
        var import = await store.GetAsync(id, cancellationToken);
        if (import is null)
        {
            return Fail(StatusCodes.Status404NotFound, "Import not found", $"No import has id {id}.");
        }
        if (import.Status != FileImportStatus.AwaitingConfirmation)
        {
            return Fail(StatusCodes.Status409Conflict, "Nothing to confirm", $"Import {id} is '{import.Status}', not waiting for a mapping.");
        }
        var chosen = mapping ?? JsonSerializer.Deserialize<Dictionary<string, string>>(import.Mapping ?? "{}");
        IFileRowMapper mapper;
        try
        {
            (_, mapper, _) = importer.Bind(import.SpoolPath, importer.Format(import.Format), chosen);
        }
        catch (FileFormatException ex)
        {
            return Fail(StatusCodes.Status422UnprocessableEntity, "Mapping does not fit the file", ex.Message);
        }
        var json = JsonSerializer.Serialize(mapper.Mapping);
        if (!await store.ConfirmAsync(id, json, cancellationToken))
        {
            return Fail(StatusCodes.Status409Conflict, "Nothing to confirm", $"Import {id} was confirmed by someone else.");
        }
        signal.Notify();
        return new IntakeOutcome(await store.GetAsync(id, cancellationToken), null);
    }

    private static IntakeOutcome Fail(int status, string title, string detail) =>
        new(null, FileImportEndpoints.Problem(status, title, detail));
}
