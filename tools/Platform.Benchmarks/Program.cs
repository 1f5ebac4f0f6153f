using Platform.Benchmarks;

return args.FirstOrDefault() switch
{
    "staging" => await StagingBenchmark.RunAsync(args.Skip(1).ToArray()),
    "hotmart-sync" => await HotmartSyncBenchmark.RunAsync(),
    "gohighlevel" => await GoHighLevelBenchmark.RunAsync(args.Skip(1).ToArray()),
    "csv" => await CsvImportBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: ./platform bench staging [--records-per-stream N] | hotmart-sync | gohighlevel [--contacts N] [--unify deferred] | csv [--rows N] [--bad N]
          staging  a simulator backfill through connector-stripe with rate limits off (staged records/s),
                   beside a plain binary COPY of the same rows into a copy of the table, and their ratio
          hotmart-sync  a full Hotmart sync of the simulator's demo account with default limits: time and calls
          gohighlevel  a full sync of a 217,324-contact location at HighLevel's limit, killed and resumed midway:
                   contacts staged once, 429s, request rate as a share of the allowed rate
          csv      a ManyChat-format export (532,000 rows, 100 bad) imported through the gateway: rows staged and
                   rejected, staging rows/s beside a plain binary COPY of the same rows, the connector's peak memory
        """);
    return 2;
}
