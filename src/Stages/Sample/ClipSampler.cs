using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Sample;

/// <summary>One clip of a video: the decoded-frame indices it takes, in order.</summary>
/// <param name="Start">Index of the clip's first frame.</param>
/// <param name="Stride">Distance between consecutive frames actually used (shrunk for short videos).</param>
/// <param name="FrameIndices">Decoded-frame indices, <see cref="ClipOptions.FramesPerClip"/> of them (the last repeats when the video is too short).</param>
public sealed record ClipPlan(int Start, int Stride, IReadOnlyList<int> FrameIndices);

/// <summary>
/// Cuts a video of known length into clips, deterministically (clips are cache keys). Reference behaviour for short
/// videos: shrink the stride until a clip fits; if even stride 1 does not fit, repeat the last frame.
/// </summary>
public static class ClipSampler
{
    /// <summary>Bumped whenever the plan for the same inputs changes; part of every clip's cache key.</summary>
    public const int Version = 1;

    /// <summary>The clips of a video of <paramref name="frameCount"/> decoded frames.</summary>
    public static IReadOnlyList<ClipPlan> Plan(int frameCount, ClipOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        if (frameCount == 0) return [];
        var length = options.FramesPerClip;
        if (frameCount < length)
        {
            var padded = Enumerable.Range(0, length).Select(i => Math.Min(i, frameCount - 1)).ToArray();
            return [new ClipPlan(0, 1, padded)];
        }

        var stride = Math.Min(options.Stride, (frameCount - 1) / (length - 1));
        var span = (length - 1) * stride + 1;
        var room = frameCount - span;
        var count = options.ClipsPerVideo == 0 ? Math.Max(1, frameCount / span) : options.ClipsPerVideo;
        count = Math.Min(count, room + 1);
        return Enumerable.Range(0, count)
            .Select(i => count == 1 ? 0 : (int)((long)room * i / (count - 1)))
            .Select(start => new ClipPlan(start, stride, Enumerable.Range(0, length).Select(k => start + k * stride).ToArray()))
            .ToArray();
    }
}
