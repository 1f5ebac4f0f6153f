using Platform.IdentityResolution.Benchmarks;

return await ResolutionBenchmark.RunAsync(args);
