using MoSiC.Stream.Stages.Decode.Timeline;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// Splits the frames a video's wanted clips need into ffmpeg runs: clips close together share one run that streams
/// through the frames between them; a clip further than <see cref="SeekGap"/> frames from the last one gets a run of
/// its own that seeks to it (when the video can be sought). When the plan's frame count must be confirmed, the run
/// that reaches the last frame goes on to the end and checks it, and goes first when it seeks, so a wrong count is
/// found before any clip is handed on.
/// </summary>
internal static class DecodeSegments
{
    /// <summary>
    /// Frames streamed past rather than sought over: about one GOP of x264's defaults (keyint 250), since a seek
    /// decodes from the keyframe before its target anyway and costs an ffmpeg start.
    /// </summary>
    public const int SeekGap = 250;

    /// <summary>The runs for clips <paramref name="wanted"/> (plan order) of <paramref name="cut"/>; <paramref name="check"/> adds the count check.</summary>
    public static IReadOnlyList<FrameSegment> Plan(VideoCut cut, IReadOnlyList<int> wanted, bool check)
    {
        var segments = new List<FrameSegment>();
        foreach (int clip in wanted)
        {
            IReadOnlyList<int> frames = cut.Plans[clip].FrameIndices;
            int first = frames.Min(), last = frames.Max();
            FrameSegment? current = segments.Count > 0 ? segments[^1] : null;
            int reached = current?.Last ?? -1;
            if (first - reached > SeekGap && cut.SeekFor(clip) is { } seek)
            {
                segments.Add(new FrameSegment(first, last, seek, null));
            }
            else if (current is not null)
            {
                segments[^1] = current with { Last = Math.Max(current.Last, last) };
            }
            else
            {
                segments.Add(new FrameSegment(0, last, null, null));
            }
        }

        if (!check) return segments;
        int end = cut.Frames - 1;
        FrameSegment? tail = segments.Count > 0 ? segments[^1] : null;
        if (tail is not null && (end - tail.Last <= SeekGap || cut.Timeline is not { Seekable: true }))
        {
            segments[^1] = tail with { Last = end, ExpectedCount = cut.Frames };
        }
        else if (cut.Timeline is { Seekable: true } timeline)
        {
            segments.Add(new FrameSegment(end, end, timeline.SeekFor(end), cut.Frames));
        }
        else
        {
            segments.Add(new FrameSegment(0, end, null, cut.Frames));
        }

        // A check that seeks goes first: it holds back at most its own clips, and a wrong count re-plans before any clip left.
        if (segments.Count > 1 && segments[^1].Seek is not null)
        {
            FrameSegment checking = segments[^1];
            segments.RemoveAt(segments.Count - 1);
            segments.Insert(0, checking);
        }

        return segments;
    }
}
