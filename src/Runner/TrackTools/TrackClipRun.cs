using System.Diagnostics;
using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Runner.TrackTools;

/// <summary><c>track clip</c>: a grid tracked through one clip, with visibility over time, speed, and an optional overlay.</summary>
internal static class TrackClipRun
{
    public sealed record Request(string Input, string? Pipeline, string? Tracker, int? Grid, int Start, int Frames, bool Native, string? Viz);

    public static async Task<int> RunAsync(Request request, CancellationToken ct)
    {
        if (request.Start < 0) return TrackSetup.Fail($"--start must be 0 or more, got {request.Start}");
        if (request.Frames < 2) return TrackSetup.Fail($"--frames must be at least 2, got {request.Frames}");
        if (request.Grid is < 1 or > 256) return TrackSetup.Fail($"--grid must be in 1..256, got {request.Grid}");
        if (request.Viz is not null && !request.Viz.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase))
            return TrackSetup.Fail($"--viz {request.Viz}: name an .mp4 file");
        if (!File.Exists(request.Input) && !Directory.Exists(request.Input))
            return TrackSetup.Fail($"{request.Input}: no such video file or frame folder");
        if (TrackSetup.TryLoad(request.Pipeline, request.Tracker, out PipelineOptions pipeline, out IPointTracker? loaded) is { } error)
            return TrackSetup.Fail(error);
        await using IPointTracker tracker = loaded!;

        VideoSource source = VideoSource.FromPath(request.Input, pipeline.Corpus.FrameExtensions, pipeline.Corpus.FrameFolderFps);
        DecodeOptions decode = request.Native ? new DecodeOptions() : pipeline.Decode;
        DecodedVideo video;
        try
        {
            video = await DecodedVideo.LoadAsync(source, decode, request.Start + request.Frames, pipeline.Runtime.Threads.FfmpegThreads, ct);
        }
        catch (VideoFailedException e)
        {
            return TrackSetup.Fail(e.Message);
        }

        using (video)
        {
            int available = video.Frames.Count - request.Start;
            if (available < 2)
                return TrackSetup.Fail($"{source.Path}: {video.Frames.Count} frames decoded, too few for a clip starting at frame {request.Start}");

            ReadOnlyMemory<byte>[] frames = video.Pixels.Skip(request.Start).Take(request.Frames).ToArray();
            int grid = request.Grid ?? pipeline.Tracker.Grid;
            var batch = new ClipBatch(video.Width, video.Height, [new TrackClip(source.Name, frames)]);
            var clock = Stopwatch.StartNew();
            TrackResult tracks = await tracker.TrackAsync(batch, QuerySpec.Grid(grid), ct);
            clock.Stop();

            Console.WriteLine($"{source.Path}: frames {request.Start}..{request.Start + frames.Length - 1} at {video.Width}×{video.Height}, {tracks.Points} points ({grid}×{grid} grid), tracker {tracker.Identity.Key}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tracked in {clock.Elapsed.TotalSeconds:0.000} s: {tracks.Points * (frames.Length - 1) / clock.Elapsed.TotalSeconds:0} point-frames/s; visible overall {100 * tracks.VisibleShare():0.0}%"));
            Console.WriteLine("visible by frame: " + string.Join(' ', Enumerable.Range(0, tracks.Frames)
                .Where(t => t % Math.Max(1, tracks.Frames / 12) == 0 || t == tracks.Frames - 1)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t}:{100.0 * Enumerable.Range(0, tracks.Points).Count(p => tracks.IsVisible(0, t, p)) / tracks.Points:0}%"))));

            if (request.Viz is not null)
            {
                try
                {
                    await TrackOverlay.WriteAsync(request.Viz, frames, video.Width, video.Height, video.Fps, tracks, null, ct);
                }
                catch (FfmpegException e)
                {
                    return TrackSetup.Fail($"--viz {request.Viz}: {e.Message}");
                }

                Console.WriteLine($"overlay: {Path.GetFullPath(request.Viz)}");
            }
        }

        return 0;
    }
}
