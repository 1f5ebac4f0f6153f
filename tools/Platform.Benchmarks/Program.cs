using Platform.Benchmarks;

return args.FirstOrDefault() switch
{
    "staging" => await StagingBenchmark.RunAsync(args.Skip(1).ToArray()),
    "hotmart-sync" => await HotmartSyncBenchmark.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: ./platform bench staging [--records-per-stream N] | ./platform bench hotmart-sync
          staging  a simulator backfill through connector-stripe with rate limits off (staged records/s),
                   beside a plain binary COPY of the same rows into a copy of the table, and their ratio
          hotmart-sync  a full Hotmart sync of the simulator's demo account with default limits: time and calls
        """);
    return 2;
}
