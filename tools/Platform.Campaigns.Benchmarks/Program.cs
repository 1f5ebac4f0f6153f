using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;
using Platform.ServiceDefaults;
using Platform.Testing;

if (args.Contains("--help"))
{
    Console.Error.WriteLine("""
        usage: ./platform bench campaigns [--audience N] [--others N] [--runs N]
          Loads N people at high churn risk with an email (plus --others who do not qualify: steady buyers, leads, people
          without email) into a fresh database's audience copy with binary COPY, then launches a campaign whose audience is
          "high churn risk with an email" --runs times, each a new execution: the launch counts the audience and inserts one
          recipient row per person in one transaction, as the API does. Prints the audience count time and recipients
          materialised per second. Defaults: 100000 audience, 50000 others, 3 runs.
        """);
    return 2;
}
var audienceSize = Arg(args, "--audience", 100_000);
var others = Arg(args, "--others", 50_000);
var runs = Arg(args, "--runs", 3);
DefaultTypeMap.MatchNamesWithUnderscores = true;

await using var database = await TestDatabase.CreateAsync("bench_campaigns");
var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
builder.ConnectionStringBuilder.SearchPath = CampaignsDbContext.Schema;
await using var dataSource = builder.Build();
var contextOptions = new DbContextOptionsBuilder<CampaignsDbContext>()
    .UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable(PlatformDatabaseExtensions.MigrationsHistoryTable, CampaignsDbContext.Schema)).Options;
await using (var context = new CampaignsDbContext(contextOptions))
{
    await context.Database.MigrateAsync();
}

const string workspace = "bench";
string[] sources = ["hotmart"];
var clock = Stopwatch.StartNew();
await using (var connection = await dataSource.OpenConnectionAsync())
{
    var now = DateTime.UtcNow;
    await using (var members = await connection.BeginBinaryImportAsync(
        "copy audience_members (workspace_id, client_id, version, first_name, email, sources) from stdin (format binary)"))
    {
        for (var i = 0; i < audienceSize + others; i++)
        {
            await members.StartRowAsync();
            await members.WriteAsync(workspace);
            await members.WriteAsync(Id(i), NpgsqlDbType.Uuid);
            await members.WriteAsync(1L);
            await members.WriteAsync($"Pessoa{i}");
            // One in five of the others has no email; the rest do.
            if (i >= audienceSize && i % 5 == 0)
            {
                await members.WriteNullAsync();
            }
            else
            {
                await members.WriteAsync($"pessoa{i}@example.com");
            }
            await members.WriteAsync(sources);
        }
        await members.CompleteAsync();
    }
    await using (var sales = await connection.BeginBinaryImportAsync(
        "copy audience_sales (workspace_id, client_id, currency, total_sales, total_revenue, first_purchase_at, last_purchase_at) from stdin (format binary)"))
    {
        for (var i = 0; i < audienceSize + others; i++)
        {
            var lead = i >= audienceSize && i % 5 == 1;
            if (lead)
            {
                continue;
            }
            // The audience: monthly buyers silent for 120 days; the others buy on rhythm.
            var last = i < audienceSize || i % 5 == 0 ? now.AddDays(-120) : now.AddDays(-10);
            await sales.StartRowAsync();
            await sales.WriteAsync(workspace);
            await sales.WriteAsync(Id(i), NpgsqlDbType.Uuid);
            await sales.WriteAsync("BRL", NpgsqlDbType.Char);
            await sales.WriteAsync(4);
            await sales.WriteAsync(388m);
            await sales.WriteAsync(last.AddDays(-90), NpgsqlDbType.TimestampTz);
            await sales.WriteAsync(last, NpgsqlDbType.TimestampTz);
        }
        await sales.CompleteAsync();
    }
    await connection.ExecuteAsync("analyze audience_members; analyze audience_sales");
}
Console.WriteLine($"audience copy: {audienceSize + others:N0} people loaded with COPY in {clock.Elapsed.TotalSeconds:N1} s");

var options = new CampaignsOptions();
var definitions = new DefinitionStore(dataSource, options);
var executions = new ExecutionStore(dataSource, options);
var definition = new AudienceDefinition { ChurnRisk = ["high"], HasEmail = true };
clock.Restart();
var size = await definitions.SizeAsync(workspace, definition);
Console.WriteLine($"audience size before launch: {size.Total:N0} (high churn risk with an email) counted in {clock.Elapsed.TotalMilliseconds:N0} ms");
if (size.Total != audienceSize)
{
    Console.Error.WriteLine($"expected {audienceSize} people in the audience, counted {size.Total}");
    return 1;
}

var canvas = JsonSerializer.Serialize(new
{
    nodes = new object[]
    {
        new { id = "t", type = "trigger", data = new { kind = "manual" } },
        new { id = "a", type = "audience", data = new { definition } },
        new { id = "e", type = "channel", data = new { channel = "email", subject = "Oi", html = "<p>Oi</p>" } },
    },
    edges = new[] { new { source = "t", target = "a" }, new { source = "a", target = "e" } },
}, new JsonSerializerOptions(JsonSerializerDefaults.Web));
using var doc = JsonDocument.Parse(canvas);
var (workflow, errors) = Workflow.Parse(doc.RootElement);
if (workflow is null)
{
    Console.Error.WriteLine(string.Join(" ", errors.Values.SelectMany(e => e)));
    return 1;
}
var campaign = await definitions.CreateCampaignAsync(workspace, "bench", null, canvas, "bench", null);
var rates = new List<double>();
for (var run = 1; run <= runs; run++)
{
    clock.Restart();
    var launch = await executions.LaunchAsync(campaign, workflow, definition, "manual", null, null, CancellationToken.None);
    var seconds = clock.Elapsed.TotalSeconds;
    var materialised = launch.Recipients.Values.Sum();
    rates.Add(materialised / seconds);
    Console.WriteLine($"run {run}: {materialised:N0} recipients materialised in {seconds:N2} s = {materialised / seconds:N0} recipients/s");
}
Console.WriteLine($"median: {rates.Order().ElementAt(rates.Count / 2):N0} recipients/s ({runs} run(s), {audienceSize:N0}-person audience out of {audienceSize + others:N0})");
return 0;

static Guid Id(int i) => new(i, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);

static int Arg(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
