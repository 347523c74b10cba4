using BenchmarkDotNet.Running;
using RftInfra.Bench;

// `dotnet run -c Release --project tests/RftInfra.Bench -- metrics` compares the text-similarity metrics with
// their Python references; `-- --filter '*'` runs every benchmark.
if (args.Length > 0 && args[0] == "metrics")
{
    return MetricsComparison.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
