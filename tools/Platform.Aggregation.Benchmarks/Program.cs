using System.Globalization;
using Platform.Aggregation.Benchmarks;

var records = ArgValue(args, "--records", 200_000);
var clients = ArgValue(args, "--clients", 50_000);
var workspaces = ArgValue(args, "--workspaces", 1);
if (args.Contains("--help") || records < 1 || clients < 1 || workspaces < 1)
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tools/Platform.Aggregation.Benchmarks -- [--records N] [--clients N] [--workspaces N]
          Publishes N sales records (Ploomes deals, Hotmart purchases, Stripe charges, invoices, refunds and disputes) plus one
          contact per 10 sales as RecordLinked into a queue while the aggregation service is stopped, starts the service and
          measures how fast it drains them (sales records aggregated per second). Defaults: 200000 records, 50000 clients, 1 workspace.
        """);
    return 2;
}
return await AggregationBenchmark.RunAsync(records, clients, workspaces);

static int ArgValue(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
