using BenchmarkDotNet.Running;
using RftInfra.Bench;
using RftInfra.Bench.Datasets;

// `dotnet run -c Release --project tests/RftInfra.Bench -- metrics` compares the text-similarity metrics with
// their Python references; `-- datasets-interleaved [rounds] [sizeMB...] [--processes N]` cross-checks the dataset benchmark on
// a noisy machine; `-- emulator-state fill|load DIR` measures the emulator at a realistic state size; `-- --filter '*'` runs every benchmark.
if (args.Length > 0 && args[0] == "metrics")
{
    return MetricsComparison.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "emulator-state")
{
    return await EmulatorStateRun.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "datasets-interleaved")
{
    return InterleavedDatasetRun.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
