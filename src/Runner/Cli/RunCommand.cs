using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Decode;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Encode;
using MoSiC.Stream.Stages.Synthetic;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream run [pipeline]</c>: the whole pipeline. Today it runs discover → decode → clip planning and says which stages are still to come.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var pipeline = new Argument<string?>("pipeline")
        {
            Description = "Pipeline file (default: the embedded pipelines/sample.json: a synthetic corpus that runs anywhere).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var summary = new Option<string?>("--summary") { Description = "Also write a machine-readable summary (JSON) to this file." };
        var command = new Command("run", "Run a pipeline: decode → clips → track → cache → train.") { pipeline, summary };
        command.SetAction((result, ct) => RunAsync(result.GetValue(pipeline), result.GetValue(summary), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? pipelinePath, string? summaryPath, CancellationToken ct)
    {
        PipelineOptions options;
        try
        {
            options = PipelineSource.Load(pipelinePath);
            FfmpegTools.EnsureInstalled();
        }
        catch (Exception ex) when (ex is OptionsException or FileNotFoundException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        var source = pipelinePath ?? PipelineSource.EmbeddedName;
        Console.WriteLine($"pipeline {options.Name} ({source})");

        var root = options.Corpus.ResolvedRoot;
        try
        {
            await SyntheticStep.EnsureAsync(options.Corpus, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FfmpegException)
        {
            Console.Error.WriteLine($"corpus.synthetic: could not generate the synthetic corpus: {ex.Message}");
            return 1;
        }

        CorpusListing listing;
        try { listing = CorpusDiscovery.Discover(options.Corpus, root); }
        catch (DirectoryNotFoundException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
        if (listing.Videos.Count == 0)
        {
            Console.Error.WriteLine($"corpus.include matched no videos under {listing.Root} (patterns: {string.Join(", ", options.Corpus.Include.DefaultIfEmpty("videos/*.mp4"))})");
            return 1;
        }
        Console.WriteLine($"corpus: {listing.Videos.Count} videos under {listing.Root}{(listing.Ignored.Count > 0 ? $" ({listing.Ignored.Count} matched files of unknown type ignored)" : "")}");

        var started = DateTime.UtcNow;
        var run = new DecodeRun(options);
        var outcomes = await run.RunAsync(listing.Videos, PrintOutcome, ct).ConfigureAwait(false);
        var elapsed = DateTime.UtcNow - started;

        var ok = outcomes.Where(o => o.Succeeded).ToArray();
        var failed = outcomes.Where(o => !o.Succeeded).ToArray();
        var frames = ok.Sum(o => o.Frames);
        var megabytes = ok.Sum(o => o.Bytes) / 1e6;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decoded {ok.Length} of {outcomes.Count} videos: {frames} frames, {megabytes:F1} MB RGB24, {ok.Sum(o => o.Clips)} clips of {options.Clips.FramesPerClip} frames (stride {options.Clips.Stride}), in {elapsed.TotalSeconds:F1} s ({frames / Math.Max(elapsed.TotalSeconds, 1e-3):F0} frames/s)"));
        if (failed.Length > 0)
        {
            Console.WriteLine($"{failed.Length} failed:");
            foreach (var f in failed) Console.WriteLine($"  {f.Failure}");
        }
        Console.WriteLine("the streaming graph that wires decode → track → cache → train into run is not available yet (issue #6): the run stopped after decode. The same work in two steps: mosic-stream track [pipeline], then mosic-stream train [pipeline].");

        if (summaryPath is not null)
            await WriteSummaryAsync(summaryPath, options, source, outcomes, elapsed, ct).ConfigureAwait(false);
        return ok.Length > 0 ? 0 : 1;
    }

    private static void PrintOutcome(VideoOutcome o) => Console.WriteLine(o.Succeeded
        ? string.Create(CultureInfo.InvariantCulture, $"  ok     {o.Source.Name}: {o.Frames} frames {o.Width}x{o.Height}, {o.LastTimestamp.TotalSeconds:F2} s, {o.Clips} clips, {o.Elapsed.TotalMilliseconds:F0} ms")
        : $"  failed {o.Source.Name}: {o.Failure!.Stage}: {o.Failure.Reason}");

    private static async Task WriteSummaryAsync(string path, PipelineOptions options, string source, IReadOnlyList<VideoOutcome> outcomes, TimeSpan elapsed, CancellationToken ct)
    {
        var summary = new
        {
            pipeline = options.Name,
            source,
            elapsedSeconds = elapsed.TotalSeconds,
            stagesRun = new[] { "discover", "decode", "clips" },
            videos = outcomes.Select(o => new
            {
                path = o.Source.Path,
                kind = o.Source.Kind.ToString(),
                ok = o.Succeeded,
                frames = o.Frames,
                width = o.Width,
                height = o.Height,
                clips = o.Clips,
                seconds = o.Elapsed.TotalSeconds,
                failure = o.Failure is null ? null : new { stage = o.Failure.Stage, reason = o.Failure.Reason },
            }),
        };
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, summary, new JsonSerializerOptions { WriteIndented = true }, ct).ConfigureAwait(false);
    }
}
