using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;

namespace MoSiC.Stream.Tests.Stages.Decode;

/// <summary>Probe-then-decode helpers that keep every frame's bytes (small test videos only).</summary>
internal static class DecodeTestKit
{
    public sealed record Decoded(ProbeInfo Probe, List<(int Width, int Height, TimeSpan Time, byte[] Rgb)> Frames);

    public static async Task<Decoded> DecodeAllAsync(VideoSource source, DecodeOptions? options = null, CancellationToken ct = default)
    {
        options ??= new DecodeOptions();
        var probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(30), options.MaxPixels, ct);
        var frames = new List<(int, int, TimeSpan, byte[])>();
        await foreach (var frame in new VideoDecoder().DecodeAsync(source, probe, options, 1, ct))
        {
            using (frame) frames.Add((frame.Width, frame.Height, frame.Timestamp, frame.Rgb.ToArray()));
        }
        return new Decoded(probe, frames);
    }
}
