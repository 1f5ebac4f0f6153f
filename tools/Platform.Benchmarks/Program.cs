using Platform.Benchmarks;

return args.FirstOrDefault() switch
{
    "staging" => await StagingBenchmark.RunAsync(args.Skip(1).ToArray()),
    "hotmart-sync" => await HotmartSyncBenchmark.RunAsync(),
    "gohighlevel" => await GoHighLevelBenchmark.RunAsync(args.Skip(1).ToArray()),
    "csv" => await CsvImportBenchmark.RunAsync(args.Skip(1).ToArray()),
    "e2e" => await EndToEndBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: ./platform bench staging [--records-per-stream N] | hotmart-sync | gohighlevel [--contacts N] [--unify deferred] | csv [--rows N] [--bad N]
                              | e2e [--contacts N] [--sales N] [--webhook-senders 4] [--seed 42] [--deferred-percent 50] [--set SERVICE:KEY=VALUE] [--show-log SERVICE]
          staging  a simulator backfill through connector-stripe with rate limits off (staged records/s),
                   beside a plain binary COPY of the same rows into a copy of the table, and their ratio
          hotmart-sync  a full Hotmart sync of the simulator's demo account with default limits: time and calls
          gohighlevel  a full sync of a 217,324-contact location at HighLevel's limit, killed and resumed midway:
                   contacts staged once, 429s, request rate as a share of the allowed rate
          csv      a ManyChat-format export (532,000 rows, 100 bad) imported through the gateway: rows staged and
                   rejected, staging rows/s beside a plain binary COPY of the same rows, the connector's peak memory
          e2e      Stripe contacts and sales (10,000 + 10,000 by default), half staged deferred and released ("Unify all"),
                   half as live webhooks at the same time, through connector-stripe, identity-resolution and aggregation:
                   records/s from staged to customer_sales and ClientUpdated, beside a plain binary COPY of the same rows
        """);
    return 2;
}
