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

    /// <summary>Decodes at most <paramref name="maxFrames"/> frames of <paramref name="source"/> with <paramref name="options"/>.</summary>
    public static async Task<DecodedVideo> LoadAsync(VideoSource source, DecodeOptions options, int maxFrames, int ffmpegThreads, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(options.StallTimeoutSeconds), options.MaxPixels, ct).ConfigureAwait(false);
        var frames = new List<VideoFrame>();
        try
        {
            await foreach (VideoFrame frame in new VideoDecoder().DecodeAsync(source, probe, options, ffmpegThreads, ct).ConfigureAwait(false))
            {
                frames.Add(frame);
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
