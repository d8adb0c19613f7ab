using System.CommandLine;
using MoSiC.Stream.Runner.CacheTools;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream cache ls | verify | gc | export</c>: inspect and maintain the trajectory cache of a pipeline.</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var cache = new Command("cache", "Inspect and maintain the trajectory cache (cache.dir of the pipeline, or --dir).");

        var (lsPipeline, lsDir) = Target();
        var ls = new Command("ls", "List partitions (track sets) with their videos, clips, rows, parts and bytes.") { lsPipeline, lsDir };
        ls.SetAction((r, ct) => CacheRuns.ListAsync(r.GetValue(lsPipeline), r.GetValue(lsDir), ct));
        cache.Subcommands.Add(ls);

        var (verifyPipeline, verifyDir) = Target();
        var repair = new Option<bool>("--repair") { Description = "Drop what is broken (bad parts, torn manifest entries, stray and orphan files) so those clips are tracked again by the next run." };
        var verifyDryRun = new Option<bool>("--dry-run") { Description = "With --repair: list what the repair would delete or drop, and change nothing." };
        var verify = new Command("verify", "Check parts against the manifest (size, SHA-256, Parquet footer, rows), stray temporary files, orphans and torn manifest entries. Exit 1 when anything is wrong.")
        {
            verifyPipeline, verifyDir, repair, verifyDryRun,
        };
        verify.SetAction((r, ct) => CacheRuns.VerifyAsync(r.GetValue(verifyPipeline), r.GetValue(verifyDir), r.GetValue(repair), r.GetValue(verifyDryRun), ct));
        cache.Subcommands.Add(verify);

        var (gcPipeline, gcDir) = Target();
        var gcDryRun = new Option<bool>("--dry-run") { Description = "List the videos whose tracks gc would remove (with their clips and last known path), and remove nothing." };
        var force = new Option<bool>("--force") { Description = "Remove even when that is more than --max-remove of the cache. A corpus with no video at all is refused even so." };
        var maxRemove = new Option<double>("--max-remove")
        {
            Description = "The largest share of the cache's clips (percent) gc removes without --force.",
            DefaultValueFactory = _ => GcRequest.DefaultMaxRemovePercent,
        };
        var gc = new Command("gc", "Remove the tracks of videos no longer in the pipeline's corpus (by content hash: moved or renamed videos stay). " +
            "Refuses when the corpus lists no video (an unmounted share, a glob that matches nothing) and, without --force, when it would remove more than --max-remove of the cache.")
        {
            gcPipeline, gcDir, gcDryRun, force, maxRemove,
        };
        gc.SetAction((r, ct) => CacheRuns.CollectAsync(new GcRequest(r.GetValue(gcPipeline), r.GetValue(gcDir), r.GetValue(gcDryRun), r.GetValue(force), r.GetValue(maxRemove)), ct));
        cache.Subcommands.Add(gc);

        var video = new Argument<string>("video") { Description = "Video file or frame folder whose tracks to export." };
        var exportPipeline = new Option<string?>("--pipeline") { Description = "Pipeline whose track set to export (default: the one partition holding the video)." };
        var format = new Option<string>("--format") { Description = "csv (one line per point-frame) or json (one object per clip).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out") { Description = "Write here instead of standard output." };
        var exportDir = new Option<string?>("--dir") { Description = "Cache folder (default: cache.dir of the pipeline)." };
        var export = new Command("export", "Write one video's cached tracks as CSV or JSON, for inspection.") { video, exportPipeline, exportDir, format, output };
        export.SetAction((r, ct) => CacheRuns.ExportAsync(r.GetValue(video)!, r.GetValue(exportPipeline), r.GetValue(exportDir), r.GetValue(format)!, r.GetValue(output), ct));
        cache.Subcommands.Add(export);
        return cache;
    }

    private static Argument<string?> PipelineArgument() => new("pipeline")
    {
        Description = "Pipeline file (default: the embedded pipelines/sample.json).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static (Argument<string?> Pipeline, Option<string?> Dir) Target() =>
        (PipelineArgument(), new Option<string?>("--dir") { Description = "Cache folder (default: cache.dir of the pipeline)." });
}
