using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// A video's decoded frames as known before decoding: how many the decoder will put out with the decode options and,
/// for a file whose packets were listed, where to seek for any of them. The count is a claim until decoding reaches
/// the end: the reader checks it there, and the planner re-plans when it was wrong.
/// </summary>
public sealed class FrameTimeline
{
    private readonly long[]? _inputStamps; // input frames' presentation stamps, sorted, shifted so the file starts at 0
    private readonly Rational _timeBase;
    private readonly Rational? _fps;
    private readonly long _firstSlot;

    private FrameTimeline(int count, bool counted, long[]? inputStamps, Rational timeBase, Rational? fps, long firstSlot) =>
        (Count, Counted, _inputStamps, _timeBase, _fps, _firstSlot) = (count, counted, inputStamps, timeBase, fps, firstSlot);

    private static readonly Rational NoTimeBase = new(1, 1);

    /// <summary>Frames the decoder is expected to put out.</summary>
    public int Count { get; }

    /// <summary>True when the count comes from the stream's packets (or a frame folder's files), false for an estimate from the container's duration.</summary>
    public bool Counted { get; }

    /// <summary>Whether <see cref="SeekFor"/> can place a decode at a frame (files whose packets were listed).</summary>
    public bool Seekable => _inputStamps is not null;

    /// <summary>
    /// Where to seek to decode frame <paramref name="index"/>: one input frame before the one it shows (so rounding of
    /// the seek point can never lose it), and the stamp it will carry.
    /// </summary>
    public FrameSeek SeekFor(int index)
    {
        long[] stamps = _inputStamps ?? throw new InvalidOperationException("this video's frames cannot be sought (no packet timestamps)");
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (_fps is not { } fps)
        {
            if (index >= stamps.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"the video has {stamps.Length} frames");
            return new FrameSeek(index == 0 ? 0 : Seconds(stamps[index - 1]), stamps[index]);
        }

        // With decode.fps, output slot s shows the last input frame whose slot is at or before s (sample and hold).
        long slot = _firstSlot + index;
        int shown = LastAtOrBefore(stamps, slot, fps);
        return new FrameSeek(shown <= 0 ? 0 : Seconds(stamps[shown - 1]), slot);
    }

    /// <summary>
    /// From a file's video packets (<paramref name="packetStamps"/> in the stream's time base, already shifted to start
    /// at 0, with each packet's duration): the count as ffmpeg's decode with <paramref name="options"/> puts it out. At
    /// its own rate, a frame per packet; with <c>decode.fps</c>, the fps filter's slots (rounded up) from the first
    /// frame's to the end of the last.
    /// </summary>
    public static FrameTimeline FromPackets(IReadOnlyList<(long Stamp, long Duration)> packetStamps, Rational timeBase, DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(packetStamps);
        long[] stamps = [.. packetStamps.Select(p => p.Stamp).Order()];
        if (options.Fps is not { } rate || stamps.Length == 0) return new FrameTimeline(stamps.Length, true, stamps, timeBase, null, 0);

        Rational fps = Rational.FromDouble(rate);
        long end = packetStamps.Max(p => p.Stamp + Math.Max(0, p.Duration));
        if (end <= stamps[^1]) end = stamps[^1] + TypicalGap(stamps);
        long first = Slot(stamps[0], timeBase, fps), last = Slot(end, timeBase, fps);
        return new FrameTimeline((int)Math.Max(1, last - first), true, stamps, timeBase, fps, first);
    }

    /// <summary>A frame folder: its files at the folder's rate, through <c>decode.fps</c> when set; not seekable.</summary>
    public static FrameTimeline ForFolder(VideoSource folder, DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        int files = folder.FrameFiles.Count;
        if (options.Fps is not { } rate) return new FrameTimeline(files, true, null, NoTimeBase, null, 0);
        return new FrameTimeline(Math.Max(1, (int)Math.Ceiling(files * rate / folder.FrameFolderFps - 1e-9)), true, null, NoTimeBase, null, 0);
    }

    /// <summary>An estimate from the container's duration and rate, for plans that only need to know the video is long enough; not seekable.</summary>
    public static FrameTimeline Estimate(ProbeInfo probe, DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(probe);
        double frames = probe.Duration.TotalSeconds * (options.Fps ?? probe.Fps ?? 24);
        return new FrameTimeline((int)Math.Clamp(Math.Floor(frames), 0, int.MaxValue), false, null, NoTimeBase, null, 0);
    }

    private double Seconds(long stamp) => (double)stamp * _timeBase.Numerator / _timeBase.Denominator;

    // The fps filter's slot of an input stamp: its time in units of 1/fps, rounded up (round=up).
    private static long Slot(long stamp, Rational timeBase, Rational fps)
    {
        Int128 num = (Int128)stamp * timeBase.Numerator * fps.Numerator, den = (Int128)timeBase.Denominator * fps.Denominator;
        Int128 q = Int128.DivRem(num, den).Quotient, r = num - q * den;
        return (long)(r > 0 ? q + 1 : q);
    }

    private int LastAtOrBefore(long[] stamps, long slot, Rational fps)
    {
        int lo = 0, hi = stamps.Length - 1, found = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (Slot(stamps[mid], _timeBase, fps) <= slot)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static long TypicalGap(long[] stamps)
    {
        if (stamps.Length < 2) return 1;
        long[] gaps = [.. stamps.Zip(stamps.Skip(1), (a, b) => b - a).Where(g => g > 0).Order()];
        return gaps.Length == 0 ? 1 : gaps[gaps.Length / 2];
    }
}
