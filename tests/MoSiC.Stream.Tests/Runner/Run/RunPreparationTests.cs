using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Runner.Run;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Run;

/// <summary>The run's one device decision, made in the check phase: what the tracker and the trainer are then given.</summary>
public sealed class RunPreparationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private RunRequest Request(string device, RunMode mode, string tracker = "lk")
    {
        string path = _dir.File($"{device}-{mode}-{tracker}.json");
        File.WriteAllText(path, $$"""
            {
              "corpus": { "root": "{{_dir.Path}}", "include": ["*.mp4"] },
              "tracker": { "name": "{{tracker}}" },
              "cache": { "dir": "{{_dir.File("cache")}}" },
              "trainer": { "model": "tiny", "checkpointDir": "{{_dir.File("ckpt")}}" },
              "runtime": { "device": "{{device}}" }
            }
            """);
        return new RunRequest(mode, path, ShardSpec.All);
    }

    [SkippableFact]
    public void Cpu_reaches_the_trainer_on_a_machine_that_has_a_gpu()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Assert.Equal(ComputeDevice.Cpu, RunPreparation.Check(Request("cpu", RunMode.Run), () => true).Device);
        Assert.Equal(ComputeDevice.Cuda, RunPreparation.Check(Request("auto", RunMode.Run), () => true).Device);
        Assert.Equal(ComputeDevice.Cpu, RunPreparation.Check(Request("auto", RunMode.Train), () => false).Device);
    }

    [SkippableFact]
    public void Nothing_asks_for_a_gpu_when_nothing_runs_on_libtorch()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Assert.Null(RunPreparation.Check(Request("cuda", RunMode.Track), () => throw new InvalidOperationException("asked")).Device);
    }

    [SkippableFact]
    public void Cuda_without_a_gpu_stops_the_run_before_any_work_naming_the_field()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var e = Assert.Throws<RunSetupException>(() => RunPreparation.Check(Request("cuda", RunMode.Run), () => false));
        Assert.Contains("runtime.device", e.Message);
    }
}
