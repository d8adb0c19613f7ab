using System.CommandLine;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Runner.TrackTools;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// <c>mosic-stream track</c>: precompute a corpus's tracks into the cache, score a tracker
/// against ground truth (<c>track eval</c>), or track one clip and draw it (<c>track clip</c>).
/// </summary>
internal static class TrackCommand
{
    public static Command Create()
    {
        var track = new Command("track", "Track every clip of the corpus into the trajectory cache, without training: clips already cached are skipped, so a rerun or a grown corpus tracks only what is missing. Sub-commands score a tracker (eval) or track one clip (clip).");
        GraphCommand.Configure(track, RunMode.Track);
        track.Subcommands.Add(Eval());
        track.Subcommands.Add(Clip());
        return track.WithExamples(
            ("mosic-stream track -p pipelines/ytvos.json", "fill the cache; a rerun tracks only what is missing"),
            ("mosic-stream track -p pipelines/ytvos.json --shard 3/8", "the fourth of eight machines sharing one cache.dir"));
    }

    private static Command Eval()
    {
        var sources = new Argument<string[]>("ground-truth")
        {
            Description = "Synthetic corpus folder (corpus.json), BADJA item folder (badja_joints_raw.json + JPEGImages/), or a folder of such items.",
            Arity = ArgumentArity.OneOrMore,
        };
        var (tracker, viz) = CommonOptions();
        var frames = new Option<int?>("--frames") { Description = "Score only the first N frames of each sequence (default: every frame).", HelpName = "N" };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file." };
        var command = new Command("eval", "Score a tracker TAP-Vid style (δ_avg over 1/2/4/8/16 px at 256×256, occlusion accuracy, average Jaccard; query first) beside the \"points do not move\" baseline.")
        {
            sources, tracker, frames, viz, json,
        };
        PipelineInput pipeline = PipelineInput.OptionOnly(command, "Pipeline whose decode, tracker and runtime.threads settings to use (default: the embedded sample).");
        command.SetAction((result, ct) => TrackEvalRun.RunAsync(new TrackEvalRun.Request(
            result.GetValue(sources)!, pipeline.Resolve(result), result.GetValue(tracker), result.GetValue(frames) ?? int.MaxValue,
            result.GetValue(viz), result.GetValue(json)), ct));
        return command.WithExamples(
            ("mosic-stream synth --out gt && mosic-stream track eval gt", "score LK on a synthetic corpus with ground truth"),
            ("mosic-stream track eval ../shared/data/real --frames 24 --json lk.json", "score on real BADJA items, the first 24 frames each"));
    }

    private static Command Clip()
    {
        var input = new Argument<string>("input") { Description = "Video file or frame folder." };
        var (tracker, viz) = CommonOptions();
        var grid = new Option<int?>("--grid") { Description = "Query grid G (G×G points on the first frame; default: tracker.grid of the pipeline)." };
        var start = new Option<int>("--start") { Description = "First frame of the clip.", DefaultValueFactory = _ => 0 };
        var frames = new Option<int>("--frames") { Description = "Frames in the clip.", DefaultValueFactory = _ => 48 };
        var native = new Option<bool>("--native") { Description = "Decode at the video's own size instead of the pipeline's decode settings." };
        var command = new Command("clip", "Track a grid through one clip of a video and report visibility and speed; --viz draws the tracks over the clip.")
        {
            input, tracker, grid, start, frames, native, viz,
        };
        PipelineInput pipeline = PipelineInput.OptionOnly(command, "Pipeline whose decode, tracker and runtime.threads settings to use (default: the embedded sample).");
        command.SetAction((result, ct) => TrackClipRun.RunAsync(new TrackClipRun.Request(
            result.GetValue(input)!, pipeline.Resolve(result), result.GetValue(tracker), result.GetValue(grid),
            result.GetValue(start), result.GetValue(frames), result.GetValue(native), result.GetValue(viz)), ct));
        return command.WithExamples(
            ("mosic-stream track clip video.mp4 --grid 8 --viz tracks.mp4", "track an 8×8 grid through the first 48 frames and draw it"));
    }

    private static (Option<string?> Tracker, Option<string?> Viz) CommonOptions() =>
    (
        new Option<string?>("--tracker") { Description = "Tracker to run instead of the pipeline's (lk, static)." },
        new Option<string?>("--viz") { Description = "Write an overlay video (tracks drawn over the frames): OUT.mp4, or a folder for one mp4 per sequence." }
    );
}
