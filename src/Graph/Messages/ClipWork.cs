using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>One clip of a video: where it sits, its cache key, and its frames.</summary>
internal sealed record ClipWork(VideoWork Video, int Index, ClipPlan Plan, string Key, double[] TimestampsSeconds, ClipPixels Pixels) : IDisposable
{
    public void Dispose() => Pixels.Dispose();
}
