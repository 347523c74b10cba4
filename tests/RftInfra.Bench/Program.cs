using BenchmarkDotNet.Running;
using RftInfra.Bench.Datasets;

// `dotnet run -c Release --project tests/RftInfra.Bench -- --filter '*'` runs every benchmark.
// `... -- datasets-interleaved [rounds] [sizeMB...]` cross-checks the dataset benchmark on a noisy machine.
if (args is ["datasets-interleaved", .. var rest])
{
    return InterleavedDatasetRun.Run(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
