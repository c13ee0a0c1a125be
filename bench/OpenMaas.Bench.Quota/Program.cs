using BenchmarkDotNet.Running;
using OpenMaas.Bench.Quota;

if (args is ["--probe", var data])
{
    await StorageProbe.RunAsync(data);
    return;
}

if (args is ["responses", var folder, .. var rest])
{
    await ResponsesLookupBench.RunAsync(folder, rest is ["--database", var database] ? database : null);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AdmissionBenchmarks).Assembly).Run(args);
