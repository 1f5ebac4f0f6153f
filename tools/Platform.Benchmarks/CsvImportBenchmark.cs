using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// A ManyChat-format export of N rows (default 532,000) with 100 bad rows spread through it, imported through the
/// gateway into connector-csv (both real processes): rows staged and rejected, the staging rate beside a plain binary
/// COPY of the same staged rows into a copy of raw_records in the same run, and the connector's peak memory after a
/// tenth of the file and after the whole file (flat when the import streams). <c>--sizes 100000,1000000,…</c> first
/// imports files of those sizes (a new import id each, so every row stages) and prints the connector's peak resident
/// memory for each, its high-water mark reset before each import: memory flat in the file's size shows as one figure.
/// </summary>
internal static class CsvImportBenchmark
{
    private const string Workspace = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = ArgValue(args, "--rows", 532_000);
        var bad = ArgValue(args, "--bad", 100);
        var sweep = SizesArg(args);
        var folder = Path.Combine(Path.GetTempPath(), "csv-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var small = Path.Combine(folder, "manychat_small.csv");
            var large = Path.Combine(folder, "manychat_output.csv");
            Generate(small, "s", rows / 10, bad / 10, out _);
            Generate(large, "l", rows, bad, out var badLines);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generated {rows} rows ({new FileInfo(large).Length / 1_048_576.0:F1} MiB) with {badLines.Count} bad rows, and a tenth-size file"));

            await using var database = await TestDatabase.CreateAsync("bench");
            await using var vhost = await TestVirtualHost.CreateAsync("bench");
            var environment = new Dictionary<string, string?>(vhost.Settings().Select(s =>
                new KeyValuePair<string, string?>(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value)))
            {
                ["ConnectionStrings__Platform"] = database.ConnectionString,
                ["Connector__Files__SpoolDirectory"] = Path.Combine(folder, "spool"),
                ["Connector__Files__PollInterval"] = "00:00:00.200",
                ["Logging__LogLevel__Default"] = "Warning",
                // The importer's closing line says where the time went (read and map, COPY and upsert, commits).
                ["Logging__LogLevel__Platform.Connectors.Files.FileImporter"] = "Information",
            };
            await using var connector = await ServiceProcess.StartAsync("connector-csv", "Platform.Connectors.Csv", environment, TimeSpan.FromMinutes(5));
            var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var gatewaySettings = new Dictionary<string, string?>
            {
                ["Gateway__ApiKeys__0__Name"] = "bench",
                ["Gateway__ApiKeys__0__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))),
                ["ReverseProxy__Clusters__connector-csv__Destinations__primary__Address"] = connector.Address.ToString(),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            // Only connector-csv runs here: the gateway's readiness must not wait for the others (blank the whole list).
            for (var i = 0; i < 16; i++)
            {
                gatewaySettings[$"Gateway__ReadyServices__{i}"] = i == 0 ? "connector-csv" : "";
            }
            await using var gateway = await ServiceProcess.StartAsync("gateway", "Platform.Gateway", gatewaySettings, TimeSpan.FromMinutes(5));
            using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);

            var baseline = PeakMiB(connector.ProcessId);
            var smallRun = await ImportAsync(http, small, connector.ProcessId);
            var peakSmall = PeakMiB(connector.ProcessId);
            var run = await ImportAsync(http, large, connector.ProcessId);
            var peakLarge = PeakMiB(connector.ProcessId);
            // The sweep runs after the measured import (its rows would make the measured one's table larger).
            var sweepLines = new List<string>();
            foreach (var size in sweep)
            {
                var path = Path.Combine(folder, $"sweep_{size}.csv");
                Generate(path, $"w{size}-", size, 0, out _);
                var megabytes = new FileInfo(path).Length / 1_048_576.0;
                ResetPeak(connector.ProcessId);
                var sized = await ImportAsync(http, path, connector.ProcessId);
                var seconds = (sized.Import.GetProperty("finishedAt").GetDateTimeOffset() - sized.Import.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
                File.Delete(path);
                sweepLines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"    {size,9} rows ({megabytes,7:F1} MiB): staged {sized.Import.GetProperty("rowsStaged").GetInt64(),9} at {sized.Import.GetProperty("rowsStaged").GetInt64() / seconds,7:F0} rows/s, connector peak RSS {PeakMiB(connector.ProcessId),5:F0} MiB (sampled max {sized.StagingPeakMiB:F0} MiB)"));
                Console.WriteLine(sweepLines[^1]);
            }
            var import = run.Import;

            var rejectedLines = new List<long>();
            for (var page = 1; ; page++)
            {
                var rejected = await http.GetFromJsonAsync<JsonElement>($"/api/imports/{import.GetProperty("id").GetString()}/rejected?page={page}&pageSize=500");
                var items = rejected.GetProperty("items");
                rejectedLines.AddRange(items.EnumerateArray().Select(i => i.GetProperty("line").GetInt64()));
                if (items.GetArrayLength() < 500)
                {
                    break;
                }
            }

            var staged = import.GetProperty("rowsStaged").GetInt64();
            var stagingSeconds = (import.GetProperty("finishedAt").GetDateTimeOffset() - import.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
            var (copied, copySeconds) = await PlainCopy.MeasureAsync(database, "connector-csv",
                "workspace_id, stream, entity_type, external_id, source_updated_at, payload, payload_hash, canonical, sync_run_id, correlation_id, received_at, unify",
                $"sync_run_id = '{Guid.Parse(import.GetProperty("id").GetString()!)}'");
            var stagingRate = staged / stagingSeconds;
            var copyRate = copied / copySeconds;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                csv import benchmark ({Environment.ProcessorCount} cores), manychat format through the gateway
                  rows read / staged / rejected        : {import.GetProperty("rowsRead").GetInt64()} / {staged} / {import.GetProperty("rowsRejected").GetInt64()} (status {import.GetProperty("status").GetString()}, unify {import.GetProperty("unify").GetString()})
                  rejected lines match the bad rows    : {rejectedLines.SequenceEqual(badLines)} ({rejectedLines.Count} listed: {string.Join(' ', rejectedLines.Take(8))} … {string.Join(' ', rejectedLines.TakeLast(3))})
                  upload through the gateway (spooled) : {run.UploadSeconds,7:F2} s = {new FileInfo(large).Length / 1_048_576.0 / run.UploadSeconds,8:F1} MiB/s
                  staging (read, map, COPY, upsert)    : {staged,9} rows in {stagingSeconds,7:F2} s = {stagingRate,10:F0} rows/s
                  end to end (upload to completed)     : {staged,9} rows in {run.TotalSeconds,7:F2} s = {staged / run.TotalSeconds,10:F0} rows/s
                  plain binary COPY of the same rows   : {copied,9} rows in {copySeconds,7:F2} s = {copyRate,10:F0} rows/s
                  ratio staging / COPY                 : {stagingRate / copyRate:P1}
                  connector peak RSS (VmHWM)           : {baseline:F0} MiB at start, {peakSmall:F0} MiB after {smallRun.Import.GetProperty("rowsRead").GetInt64()} rows, {peakLarge:F0} MiB after {import.GetProperty("rowsRead").GetInt64()} rows
                  connector RSS sampled while staging  : {smallRun.StagingPeakMiB:F0} MiB max for the tenth, {run.StagingPeakMiB:F0} MiB max for the whole file (after its upload: {run.UploadPeakMiB:F0} MiB)
                """));
            if (sweepLines.Count > 0)
            {
                Console.WriteLine($"  connector peak RSS by file size (high-water mark reset before each import; {baseline:F0} MiB at start):");
                sweepLines.ForEach(Console.WriteLine);
            }
            Console.WriteLine("  where the connector's time went      :");
            foreach (var line in connector.Output.Split(Environment.NewLine).Where(l => l.Contains("reading and mapping", StringComparison.Ordinal)))
            {
                using var entry = JsonDocument.Parse(line);
                Console.WriteLine("    " + entry.RootElement.GetProperty("Message").GetString());
            }
            return rejectedLines.SequenceEqual(badLines) && staged == rows - bad ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <param name="Import">The import as <c>GET /api/imports/{id}</c> answered at the end.</param>
    /// <param name="UploadSeconds">Upload through the gateway until the 202.</param>
    /// <param name="TotalSeconds">Upload to completed.</param>
    /// <param name="UploadPeakMiB">The connector's resident memory sampled right after the upload.</param>
    /// <param name="StagingPeakMiB">The largest resident memory sampled (every 250 ms) while the file was staged.</param>
    private sealed record Run(JsonElement Import, double UploadSeconds, double TotalSeconds, double UploadPeakMiB, double StagingPeakMiB);

    private static async Task<Run> ImportAsync(HttpClient http, string path, int connectorPid)
    {
        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await http.PostAsync($"/api/imports?workspaceId={Workspace}&format=manychat&fileName={Path.GetFileName(path)}", content);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {body}");
        }
        var upload = clock.Elapsed.TotalSeconds;
        var uploadRss = RssMiB(connectorPid);
        var stagingRss = 0.0;
        var location = response.Headers.Location!;
        while (true)
        {
            stagingRss = Math.Max(stagingRss, RssMiB(connectorPid));
            var import = await http.GetFromJsonAsync<JsonElement>(location);
            var status = import.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                if (status == "failed")
                {
                    throw new InvalidOperationException($"import failed: {import.GetProperty("error").GetString()}");
                }
                return new Run(import, upload, clock.Elapsed.TotalSeconds, uploadRss, stagingRss);
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Writes the export: <c>;</c>, decimal commas, Excel serial datetimes, two custom fields; bad rows evenly spread.</summary>
    private static void Generate(string path, string prefix, int rows, int bad, out List<long> badLines)
    {
        badLines = [];
        var every = bad == 0 ? int.MaxValue : rows / bad;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("ID do assinante;Nome;Sobrenome;E-mail;Telefone;WhatsApp;Tags;Valor gasto;Data de inscrição;Última interação;Curso de interesse;Cidade\r\n");
        var names = new[] { "Ana", "Bruno", "Carla", "Davi", "Eva", "Fábio", "Gabriela", "Heitor", "Íris", "João" };
        var surnames = new[] { "Souza", "Lima", "Araújo", "Conceição", "Rocha", "Melo", "Brandão", "Dias", "Reis", "Nóbrega" };
        var cities = new[] { "São Paulo", "Recife", "Belo Horizonte", "Porto Alegre", "Salvador" };
        var line = 1L;
        for (var i = 0; i < rows; i++)
        {
            line++;
            var first = names[i % names.Length];
            var last = surnames[i / names.Length % surnames.Length];
            var serial = 45000 + (i % 1000) + (i % 86400) / 86400.0;
            var amount = (i % 500) * 12.34m + 1000;
            var isBad = bad > 0 && i % every == every / 2 && badLines.Count < bad;
            if (isBad)
            {
                badLines.Add(line);
                switch (badLines.Count % 3)
                {
                    case 0: writer.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i};{first};{last};x{i}@example.com;;\r\n")); continue;
                    case 1: writer.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i};{first};{last};x{i}@example.com;;;;não sei;45000;45001;;\r\n")); continue;
                    default: writer.Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}{i};{first};{last};x{i}@example.com;;;;10,00;31/02/2026;45001;;\r\n")); continue;
                }
            }
            var pt = amount.ToString("#,##0.00", CultureInfo.GetCultureInfo("pt-BR"));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}{i};{first};{last};{first.ToLowerInvariant()}.{i}@example.com;(11) 9{i % 10000:0000}-{i / 10000 % 10000:0000};;\"Lead, Webinar {i % 7}\";{pt};{serial.ToString("0.#####", CultureInfo.GetCultureInfo("pt-BR"))};{serial + 3:0};Curso {i % 13};{cities[i % cities.Length]}\r\n"));
        }
    }

    private static double PeakMiB(int pid) => StatusMiB(pid, "VmHWM:");

    /// <summary>Resets the process's resident-memory high-water mark (VmHWM) to its current size (Linux: clear_refs 5).</summary>
    private static void ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not reset the connector's peak memory ({ex.Message}): its figures are peaks since the start");
        }
    }

    private static int[] SizesArg(string[] args)
    {
        var index = Array.IndexOf(args, "--sizes");
        return index >= 0 && index + 1 < args.Length
            ? [.. args[index + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : [];
    }

    private static double RssMiB(int pid) => StatusMiB(pid, "VmRSS:");

    private static double StatusMiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return double.NaN;
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
