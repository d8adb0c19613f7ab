using MoSiC.Stream.Bench;
using MoSiC.Stream.Bench.Gpu;

// mosic-bench decode [...] | track [...] | cotracker [...] | cache [...] | identity [...] | train [...] | pipeline [...] | replay [...] | eval [...] | weight-change [...] | gpu-check [...]
if (args.Length == 0 || args[0] is not ("decode" or "track" or "cotracker" or "cache" or "identity" or "train" or "pipeline" or "replay" or "eval" or "weight-change" or "gpu-check"))
{
    Console.Error.WriteLine(DecodeBenchOptions.Usage);
    Console.Error.WriteLine(TrackBench.Usage);
    Console.Error.WriteLine(CoTrackerBench.Usage);
    Console.Error.WriteLine(CacheBench.Usage);
    Console.Error.WriteLine(IdentityBench.Usage);
    Console.Error.WriteLine(TrainBench.Usage);
    Console.Error.WriteLine(PipelineBench.Usage);
    Console.Error.WriteLine(ReplayBench.Usage);
    Console.Error.WriteLine(EvalBench.Usage);
    Console.Error.WriteLine(WeightChangeBench.Usage);
    Console.Error.WriteLine(GpuCheck.Usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

if (args[0] == "gpu-check")
{
    return await GpuCheck.RunAsync(args[1..], cts.Token);
}

if (args[0] == "track")
{
    return await TrackBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "cotracker")
{
    return await CoTrackerBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "train")
{
    return TrainBench.Run(args[1..]);
}

if (args[0] == "weight-change")
{
    return WeightChangeBench.Run(args[1..]);
}

if (args[0] == "eval")
{
    return await EvalBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "pipeline")
{
    return await PipelineBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "identity")
{
    return await IdentityBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "replay")
{
    return await ReplayBench.RunAsync(args[1..], cts.Token);
}

if (args[0] == "cache")
{
    return await CacheBench.RunAsync(args[1..], cts.Token);
}

DecodeBenchOptions options;
try
{
    options = DecodeBenchOptions.Parse(args[1..]);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"mosic-bench decode: {ex.Message}");
    Console.Error.WriteLine(DecodeBenchOptions.Usage);
    return 2;
}

return await DecodeBench.RunAsync(options, cts.Token);
