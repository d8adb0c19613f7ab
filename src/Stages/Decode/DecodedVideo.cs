using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// A whole (or leading part of a) video decoded into memory, for tools that need every frame at once:
/// accuracy runs, overlays, benchmarks. Owns its pooled frames until disposed.
/// </summary>
public sealed class DecodedVideo : IDisposable
{
    private readonly List<VideoFrame> _frames;

    private DecodedVideo(VideoSource source, List<VideoFrame> frames, int width, int height, double fps) =>
        (Source, _frames, Width, Height, Fps) = (source, frames, width, height, fps);

    public VideoSource Source { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frame rate of the decoded frames (the source's, or the frame-folder rate).</summary>
    public double Fps { get; }

    public IReadOnlyList<VideoFrame> Frames => _frames;

    /// <summary>The frames' pixels, as trackers take them.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Pixels => _frames.Select(f => (ReadOnlyMemory<byte>)f.Rgb).ToArray();

    /// <summary>
    /// Decodes at most <paramref name="maxFrames"/> frames of <paramref name="source"/> with <paramref name="options"/>. A video
    /// whose frames would take more than <paramref name="maxBytes"/> fails (as data) rather than being cut short silently.
    /// </summary>
    public static async Task<DecodedVideo> LoadAsync(VideoSource source, DecodeOptions options, int maxFrames, int ffmpegThreads, CancellationToken ct,
        long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(options.StallTimeoutSeconds), options.MaxPixels, ct).ConfigureAwait(false);
        var frames = new List<VideoFrame>();
        try
        {
            await foreach (VideoFrame frame in new VideoDecoder().DecodeAsync(source, probe, options, ffmpegThreads, ct).ConfigureAwait(false))
            {
                frames.Add(frame);
                if ((long)frames.Count * frame.ByteCount > maxBytes)
                {
                    throw new VideoFailedException(source.Path, "decode",
                        $"more than {maxBytes / (1 << 20)} MB of decoded frames ({frames.Count} frames of {frame.Width}×{frame.Height}); "
                        + "raise runtime.buffers.frameMegabytes, or lower decode.fps or the decode size");
                }

                if (frames.Count == maxFrames) break;
            }
        }
        catch
        {
            frames.ForEach(f => f.Dispose());
            throw;
        }

        if (frames.Count == 0)
        {
            throw new VideoFailedException(source.Path, "decode", "no frames were decoded");
        }

        double fps = options.Fps ?? (source.Kind == VideoSourceKind.FrameFolder ? source.FrameFolderFps : probe.Fps ?? 24);
        return new DecodedVideo(source, frames, frames[0].Width, frames[0].Height, fps);
    }

    public void Dispose() => _frames.ForEach(f => f.Dispose());
}
