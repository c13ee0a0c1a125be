using BenchmarkDotNet.Running;
using OpenMaas.Bench.Quota;

if (args is ["--probe", var data])
{
    await StorageProbe.RunAsync(data);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AdmissionBenchmarks).Assembly).Run(args);
