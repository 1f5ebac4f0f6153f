using Platform.IdentityResolution.Benchmarks;

if (args.Contains("--help"))
{
    Console.WriteLine("""
        usage: ./platform bench identity [--records 200000] [--workspaces 1] [--batch 200] [--seed 42] [--prefill] [--service-log FILE]
          Starts identity-resolution as its own process on a fresh database and virtual host, publishes a generated
          population of staged records and prints records resolved per second and the service's peak memory.
          --prefill   queue every record first (service stopped), then time draining the backlog
        """);
    return 0;
}
return await ResolutionBenchmark.RunAsync(args);
