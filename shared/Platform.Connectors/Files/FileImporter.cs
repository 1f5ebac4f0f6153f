using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Syncs;
using Platform.Connectors.Files.Persistence;
using Platform.Connectors.Staging;

namespace Platform.Connectors.Files;

/// <summary>File intake settings (<c>Connector:Files</c>).</summary>
public sealed class FileImportOptions
{
    /// <summary>Where uploads are spooled until imported (default: the temp folder).</summary>
    public string? SpoolDirectory { get; set; }
    /// <summary>Largest upload accepted, in bytes (default 2 GiB).</summary>
    public long MaxBytes { get; set; } = 2L << 30;
    /// <summary>
    /// Rows per COPY batch. Three batches are alive at once (one read, one waiting, one staged); at about 3 KB a mapped
    /// row, 2,000 keeps that near 20 MB while a batch still amortises its round trips.
    /// </summary>
    public int BatchSize { get; set; } = 2_000;
    /// <summary>With unify = auto, files with more rows than this stay deferred until an operator releases them.</summary>
    public int DeferredAbove { get; set; } = 10_000;
    /// <summary>Time zone of dates written without an offset.</summary>
    public string TimeZone { get; set; } = "America/Sao_Paulo";
    /// <summary>How often the worker looks for queued imports when not signalled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public string Spool(string schema) => SpoolDirectory ?? Path.Combine(Path.GetTempPath(), "platform-imports", schema);
}

/// <summary>A row that was not staged.</summary>
public sealed record FileRejectedRow(long Line, string? Column, string Reason, string Raw);

/// <summary>
/// Imports one spooled file: reads it as a stream, maps each row, and stages batches through binary COPY while the
/// next batch is read (a bounded channel of one batch keeps memory flat in the file's size). Rows that do not
/// fit are kept with their line, column, reason and text; everything else is staged.
/// </summary>
public sealed partial class FileImporter(
    NpgsqlDataSource dataSource,
    FileImportStore store,
    IEnumerable<IFileFormat> formats,
    FileImportOptions options,
    ConnectorDescriptor connector,
    StagingStore staging,
    RelaySignal relay,
    TimeProvider clock,
    ILogger<FileImporter> logger)
{
    /// <summary>The raw_records stream of file rows.</summary>
    public const string Stream = "file";

    public IFileFormat Format(string name) =>
        formats.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new FileFormatException($"'{name}' is not a format of {connector.ServiceName}; use one of: {string.Join(", ", Formats)}.");

    public IEnumerable<string> Formats => formats.Select(f => f.Name);

    public FileReadSettings Settings() => new(CsvValues.Zone(options.TimeZone), clock.GetUtcNow());

    /// <summary>Reads the header of a spooled file and binds the format to it.</summary>
    public (FileHeader Header, IFileRowMapper Mapper, string Encoding) Bind(string path, IFileFormat format,
        IReadOnlyDictionary<string, string>? mapping)
    {
        ArgumentNullException.ThrowIfNull(format);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var csv = CsvFileReader.Open(file);
        if (!csv.TryRead(out var first))
        {
            throw new FileFormatException("The file is empty: the first line must name the columns.");
        }
        var header = Header(first, csv.Separator);
        return (header, format.Bind(header, mapping, Settings()), csv.Encoding.WebName);
    }

    private static FileHeader Header(CsvRecord first, char separator) =>
        new([.. first.Fields.Select(f => f.Trim())], separator, DecimalComma: separator == ';');

    /// <summary>Runs a claimed import to its end.</summary>
    public async Task RunAsync(FileImportRow import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        await store.ResetAsync(import.Id, cancellationToken);
        var format = Format(import.Format);
        var mapping = import.Mapping is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(import.Mapping);
        var progress = new FileImportProgress();
        var timings = new Timings();
        var gen2Before = GC.CollectionCount(2);
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(import, format, mapping, channel.Writer, timings, stop.Token), stop.Token);
        try
        {
            // Files of unknown length stage deferred and are released at the end when small enough ("auto");
            // "now" stages straight into the outbox.
            var context = new StagingContext(import.WorkspaceId, import.CorrelationId, import.Id,
                import.Unify == "now" ? UnifyMode.Now : UnifyMode.Deferred);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var waiting = Stopwatch.StartNew();
            await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
            {
                timings.Waiting += waiting.Elapsed;
                progress.BytesRead = batch.BytesRead;
                progress.RowsRead += batch.RowsRead;
                progress.RowsRejected += batch.Rejected.Count;
                await StageBatchAsync(connection, context, import.Id, batch, progress, timings, cancellationToken);
                if (context.Unify == UnifyMode.Now)
                {
                    relay.Notify();
                }
                waiting.Restart();
            }
            await producer;
        }
        catch
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
                // The producer stops because staging failed; staging's error is the one to report.
            }
            throw;
        }
        var heap = GC.GetGCMemoryInfo();
        LogTimings(logger, import.Id, progress.RowsRead, timings.Reading.TotalSeconds, timings.Waiting.TotalSeconds,
            timings.Staging.TotalSeconds, timings.Rejections.TotalSeconds, timings.Commit.TotalSeconds,
            heap.HeapSizeBytes >> 20, heap.TotalCommittedBytes >> 20, GC.CollectionCount(2) - gen2Before);
        var release = import.Unify switch
        {
            "now" => true,
            "deferred" => false,
            _ => progress.RowsRead <= options.DeferredAbove,
        };
        await store.FinishAsync(import.Id, FileImportStatus.Completed, null, release, clock.GetUtcNow(), cancellationToken);
        if (release)
        {
            relay.Notify();
        }
        TryDelete(import.SpoolPath);
    }

    /// <summary>
    /// One transaction per batch: its rows through the SDK's staging path (binary COPY, then one upsert: an unchanged
    /// row is the same version and stages nothing), its rejections by binary COPY, and the import's counters.
    /// </summary>
    private async Task StageBatchAsync(NpgsqlConnection connection, StagingContext context, Guid importId, Batch batch,
        FileImportProgress progress, Timings timings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await staging.StageAsync(connection, transaction, context, batch.Rows, cancellationToken);
        timings.Staging += clock.Elapsed;
        clock.Restart();
        if (batch.Rejected.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(
                "copy file_import_rejections (import_id, line, \"column\", reason, raw) from stdin (format binary)", cancellationToken);
            foreach (var row in batch.Rejected)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken);
                if (row.Column is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(row.Column, NpgsqlDbType.Text, cancellationToken);
                }
                await importer.WriteAsync(row.Reason, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(row.Raw, NpgsqlDbType.Text, cancellationToken);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        progress.RowsStaged += inserted;
        progress.RowsUnchanged += batch.Rows.Count - inserted;
        await FileImportStore.SaveProgressAsync(connection, transaction, importId, progress, cancellationToken);
        timings.Rejections += clock.Elapsed;
        clock.Restart();
        await transaction.CommitAsync(cancellationToken);
        timings.Commit += clock.Elapsed;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A spool file left behind is only disk space; the import's rows are committed.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task Produce(FileImportRow import, IFileFormat format, IReadOnlyDictionary<string, string>? mapping,
        ChannelWriter<Batch> writer, Timings timings, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var reading = Stopwatch.StartNew();
        try
        {
            await using var file = new FileStream(import.SpoolPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var csv = CsvFileReader.Open(file);
            if (!csv.TryRead(out var first))
            {
                throw new FileFormatException("The file is empty: the first line must name the columns.");
            }
            var header = Header(first, csv.Separator);
            var settings = Settings();
            var mapper = format.Bind(header, mapping, settings);
            var prefix = RowHashPrefix(format.Name, header);
            var json = new ArrayBufferWriter<byte>(4096);
            var batch = new Batch(options.BatchSize);
            while (csv.TryRead(out var record))
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.RowsRead++;
                Add(batch, import, format, header, mapper, settings, prefix, json, record);
                if (batch.Rows.Count + batch.Rejected.Count >= options.BatchSize)
                {
                    batch.BytesRead = file.Position;
                    timings.Reading += reading.Elapsed;
                    await writer.WriteAsync(batch, cancellationToken);
                    reading.Restart();
                    batch = new Batch(options.BatchSize);
                }
            }
            batch.BytesRead = file.Length;
            timings.Reading += reading.Elapsed;
            await writer.WriteAsync(batch, cancellationToken);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            writer.TryComplete(failure);
        }
    }

    private static void Add(Batch batch, FileImportRow import, IFileFormat format, FileHeader header, IFileRowMapper mapper,
        FileReadSettings settings, string prefix, ArrayBufferWriter<byte> json, CsvRecord record)
    {
        var fields = record.Fields;
        var extra = fields.Length - header.Columns.Count;
        if (extra < 0 || (extra > 0 && fields.AsSpan(header.Columns.Count).ContainsAnyExcept(string.Empty)))
        {
            batch.Rejected.Add(new FileRejectedRow(record.Line, null,
                $"expected {header.Columns.Count} columns, found {fields.Length}", record.Raw));
            return;
        }
        FileRowResult result;
        try
        {
            result = mapper.Map(new FileRow(header, record, settings));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidOperationException)
        {
            result = FileRowResult.Reject(null, $"could not be read: {ex.Message}");
        }
        if (result.Record is not { } canonical)
        {
            batch.Rejected.Add(new FileRejectedRow(record.Line, result.Column, result.Reason ?? "rejected", record.Raw));
            return;
        }

        json.ResetWrittenCount();
        using (var payload = new Utf8JsonWriter(json))
        {
            payload.WriteStartObject();
            payload.WriteString("format", format.Name);
            payload.WriteString("file", import.FileName);
            payload.WriteString("import", import.Id);
            payload.WriteNumber("line", record.Line);
            payload.WriteString("raw", record.Raw);
            payload.WriteEndObject();
        }
        var payloadText = Encoding.UTF8.GetString(json.WrittenSpan);
        var rowHash = RowHash(prefix, fields, header.Columns.Count, json);
        var (canonicalJson, canonicalHash) = CanonicalJson.SerializeWithMappingHash(canonical);
        batch.Rows.Add(new PreparedRecord(Stream, canonical.EntityType.ToString(), canonical.ExternalId, canonical.SourceUpdatedAt,
            payloadText, rowHash, canonicalJson, canonicalHash) { Record = canonical });
    }

    /// <summary>
    /// A row's version is its values under its header in its format, not its line or file: the same row in a later
    /// export (even moved) stages nothing, a corrected row stages a new version.
    /// </summary>
    private static string RowHashPrefix(string format, FileHeader header) =>
        format + "\u001E" + string.Join('\u001F', header.Columns) + "\u001E";

    /// <summary>SHA-256 of <c>prefix + string.Join('\u001F', fields[..count])</c> in UTF-8, written into <paramref name="buffer"/>.</summary>
    private static byte[] RowHash(string prefix, string[] fields, int count, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        Append(buffer, prefix);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Append(buffer, "\u001F");
            }
            Append(buffer, fields[i]);
        }
        return SHA256.HashData(buffer.WrittenSpan);

        static void Append(ArrayBufferWriter<byte> buffer, string text) =>
            buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
    }

    /// <summary>Where an import's time went (the reader and the stager overlap: wall time is about the larger).</summary>
    private sealed class Timings
    {
        public TimeSpan Reading { get; set; }
        public TimeSpan Waiting { get; set; }
        public TimeSpan Staging { get; set; }
        public TimeSpan Rejections { get; set; }
        public TimeSpan Commit { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId}: {Rows} rows; reading and mapping {ReadSeconds:F2} s, " +
        "stager waiting for rows {WaitSeconds:F2} s, COPY and upsert {StageSeconds:F2} s, rejections and progress {RejectSeconds:F2} s, commits {CommitSeconds:F2} s; " +
        "GC heap {HeapMiB} MiB of {CommittedMiB} MiB committed, {Gen2Collections} full collections")]
    private static partial void LogTimings(ILogger logger, Guid importId, long rows, double readSeconds, double waitSeconds, double stageSeconds,
        double rejectSeconds, double commitSeconds, long heapMiB, long committedMiB, int gen2Collections);

    private sealed class Batch(int capacity)
    {
        public List<PreparedRecord> Rows { get; } = new(capacity);
        public List<FileRejectedRow> Rejected { get; } = [];
        public long RowsRead { get; set; }
        public long BytesRead { get; set; }
    }
}
