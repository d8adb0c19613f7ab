using System.Runtime.CompilerServices;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// Reads chosen frames of a video, one <see cref="FrameSegment"/> (one ffmpeg run) at a time, handing the caller only
/// the frames it asks for, each as the same <see cref="VideoFrame"/> (index, time, pixels) a decode of the whole
/// video from its start would give. Frames in between are read from ffmpeg and given back to the pool at once, so
/// memory holds only what the caller keeps. Where the video disagrees with the count it was planned from, a
/// <see cref="FrameCountException"/> says so (after the frames that were asked for and did arrive).
/// </summary>
public sealed class FrameReader(VideoDecoder? decoder = null)
{
    private readonly VideoDecoder _decoder = decoder ?? new VideoDecoder();

    /// <summary>The frames of <paramref name="segment"/> for which <paramref name="wanted"/> is true, in index order.</summary>
    public async IAsyncEnumerable<VideoFrame> ReadAsync(VideoSource source, ProbeInfo probe, DecodeOptions options, int ffmpegThreads,
        FrameSegment segment, Func<int, bool> wanted, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(wanted);
        FrameSeek? seek = segment.Seek;
        // From a seek the index is known only once the frame with the seek's stamp arrives.
        int index = seek is null ? 0 : -1;
        long previousStamp = long.MinValue;
        bool landed = seek is null;
        await foreach (RawFrame raw in _decoder.DecodeRawAsync(source, probe, options, ffmpegThreads, seek?.Seconds, stamps: seek is not null, ct).ConfigureAwait(false))
        {
            if (!landed)
            {
                long stamp = raw.Stamp ?? long.MinValue;
                if (stamp < seek!.Value.Stamp)
                {
                    raw.Dispose();
                    continue;
                }

                if (stamp != seek.Value.Stamp)
                {
                    raw.Dispose();
                    throw new FrameCountException($"a seek to {seek.Value.Seconds:0.###} s for frame {segment.First} found stamp {stamp}, not {seek.Value.Stamp}", null);
                }

                (landed, index) = (true, segment.First);
            }
            else if (seek is not null && raw.Stamp is { } stamp)
            {
                // After a seek, frames are counted from the landing: a stamp that does not move on means a frame lost.
                if (stamp <= previousStamp)
                {
                    raw.Dispose();
                    throw new FrameCountException($"frame stamps stopped increasing after a seek ({previousStamp}, then {stamp})", null);
                }
            }

            previousStamp = raw.Stamp ?? previousStamp;
            if (index >= segment.First && index <= segment.Last && wanted(index))
            {
                yield return raw.ToFrame(index, VideoDecoder.Timestamp(source, probe, options, index, raw.Seconds));
            }
            else
            {
                raw.Dispose();
            }

            index++;
            if (index > segment.Last && segment.ExpectedCount is null) yield break;
        }

        if (!landed)
            throw new FrameCountException($"a seek to {seek!.Value.Seconds:0.###} s for frame {segment.First} reached the end before stamp {seek.Value.Stamp}", null);
        if (index <= segment.Last)
            throw new FrameCountException($"the video ended after {index} frames, before frame {segment.Last}", index);
        if (segment.ExpectedCount is { } expected && index != expected)
            throw new FrameCountException($"the video has {index} frames, not the {expected} its packets promised", index);
    }
}
