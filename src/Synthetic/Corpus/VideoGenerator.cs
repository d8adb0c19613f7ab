using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Encode;
namespace MoSiC.Stream.Synthetic;

/// <summary>Writes one video's files: tracks, per-frame masks, then the encoded mp4.</summary>
internal static class VideoGenerator
{
    public static async Task<SyntheticVideoEntry> GenerateAsync(
        SynthOptions options, int index, string root, IProgress<string>? progress, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var video = SyntheticVideo.Create(options, index);
        string name = video.Name;
        string annotations = CorpusLayout.AnnotationFolder(name);
        string annotationsPath = Directory.CreateDirectory(CorpusLayout.Resolve(root, annotations)).FullName;

        video.CreateTracks().Write(CorpusLayout.Resolve(root, CorpusLayout.TracksFile(name)));

        var rgb = new byte[video.Width * video.Height * 3];
        var labels = new byte[video.Width * video.Height];
        var masks = new MaskPngWriter(video.Width, video.Height);
        string videoFile = CorpusLayout.VideoFile(name);
        await using (var encoder = FfmpegVideoWriter.Start(
            CorpusLayout.Resolve(root, videoFile), video.Width, video.Height, video.Fps, options.Crf, ct))
        {
            for (int t = 0; t < video.Frames; t++)
            {
                ct.ThrowIfCancellationRequested();
                video.RenderFrame(t, rgb, labels);
                masks.Write(labels, Path.Combine(annotationsPath, CorpusLayout.MaskFile(t)));
                await encoder.WriteFrameAsync(rgb, ct).ConfigureAwait(false);
            }

            await encoder.CompleteAsync(ct).ConfigureAwait(false);
        }

        progress?.Report($"{name}: {video.Frames} frames {video.Width}x{video.Height}, {video.ObjectCount} objects");
        return new SyntheticVideoEntry
        {
            Name = name,
            File = videoFile,
            Annotations = annotations,
            Tracks = CorpusLayout.TracksFile(name),
            Frames = video.Frames,
            Width = video.Width,
            Height = video.Height,
            Fps = video.Fps,
            Objects = video.ObjectCount,
            Seed = video.Seed,
        };
    }
}
