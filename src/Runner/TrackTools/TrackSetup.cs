using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Runner.TrackTools;

/// <summary>What the track commands share: the pipeline, ffmpeg, and the tracker the pipeline or <c>--tracker</c> names.</summary>
internal static class TrackSetup
{
    /// <summary>Loads everything, or returns the message a user needs (bad pipeline, unknown tracker, missing ffmpeg).</summary>
    public static string? TryLoad(string? pipelinePath, string? trackerName, out PipelineOptions pipeline, out IPointTracker? tracker)
    {
        (pipeline, tracker) = (null!, null);
        try
        {
            pipeline = PipelineSource.Load(pipelinePath);
            FfmpegTools.EnsureInstalled();
            ComputeDevice device = PipelineTrackers.All.IsLearned(pipeline.Tracker, trackerName)
                ? ComputeDevices.Resolve(pipeline.Runtime.Device, TorchRuntime.CudaVisible) : ComputeDevice.Cpu;
            tracker = PipelineTrackers.All.Create(pipeline.Tracker, pipeline.Runtime.Threads.Tracker, trackerName, device);
            return null;
        }
        catch (Exception e) when (e is OptionsException or FileNotFoundException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
