using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/RftInfra.Bench -- --filter '*'` runs every benchmark.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
