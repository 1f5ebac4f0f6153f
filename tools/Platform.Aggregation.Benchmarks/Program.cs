using System.Globalization;
using Platform.Aggregation.Benchmarks;

if (args.Contains("--help"))
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tools/Platform.Aggregation.Benchmarks -- [--records N] [--clients N] [--workspaces N]
                   [--batch-size N] [--log-slow-ms N]
          Queues N sales records (Ploomes deals, Hotmart purchases, Stripe charges, invoices, refunds and disputes) plus one
          contact per ten sales as RecordLinked while the aggregation service is stopped, starts the service (a real process,
          real PostgreSQL and RabbitMQ) and measures how fast it aggregates them: sales records aggregated per second.
          Defaults: 200000 records, 50000 clients, 1 workspace, the service's batch size (500).
          --log-slow-ms logs the bench database's statements slower than N ms, with plans (auto_explain), to PostgreSQL's log.
        """);
    return 2;
}
var options = new BenchmarkOptions(
    ArgValue(args, "--records", 200_000),
    ArgValue(args, "--clients", 50_000),
    ArgValue(args, "--workspaces", 1),
    ArgValue(args, "--batch-size", 0),
    ArgValue(args, "--log-slow-ms", -1));
return await AggregationBenchmark.RunAsync(options);

static int ArgValue(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
