using System.CommandLine;
using MoSiC.Stream.Runner.CacheTools;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream cache ls | verify | gc | export</c>: inspect and maintain the trajectory cache of a pipeline.</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var cache = new Command("cache", "Inspect and maintain the trajectory cache (cache.dir of the pipeline, or --dir).");

        var lsJson = new Option<bool>("--json") { Description = "Print the listing as JSON on stdout." };
        var expectCorpus = new Option<bool>("--expect-corpus")
        {
            Description = "Also check that every video of the pipeline's corpus has tracks in its partition; exit 1 naming the missing ones (the last step of a sharded track job).",
        };
        var ls = new Command("ls", "List partitions (track sets) with their videos, clips, rows, parts and bytes.") { lsJson, expectCorpus };
        var (lsPipeline, lsDir) = Target(ls);
        ls.SetAction((r, ct) => CacheRuns.ListAsync(lsPipeline.Resolve(r), r.GetValue(lsDir), r.GetValue(lsJson), r.GetValue(expectCorpus), ct));
        cache.Subcommands.Add(ls);

        var repair = new Option<bool>("--repair") { Description = "Drop what is broken (bad parts, torn manifest entries, stray and orphan files) so those clips are tracked again by the next run." };
        var verifyDryRun = new Option<bool>("--dry-run") { Description = "With --repair: list what the repair would delete or drop, and change nothing." };
        var verify = new Command("verify", "Check parts against the manifest (size, SHA-256, Parquet footer, rows), stray temporary files, orphans and torn manifest entries. Exit 1 when anything is wrong.")
        {
            repair, verifyDryRun,
        };
        var (verifyPipeline, verifyDir) = Target(verify);
        verify.SetAction((r, ct) => CacheRuns.VerifyAsync(verifyPipeline.Resolve(r), r.GetValue(verifyDir), r.GetValue(repair), r.GetValue(verifyDryRun), ct));
        cache.Subcommands.Add(verify);

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
            gcDryRun, force, maxRemove,
        };
        var (gcPipeline, gcDir) = Target(gc);
        gc.SetAction((r, ct) => CacheRuns.CollectAsync(new GcRequest(gcPipeline.Resolve(r), r.GetValue(gcDir), r.GetValue(gcDryRun), r.GetValue(force), r.GetValue(maxRemove)), ct));
        cache.Subcommands.Add(gc);

        var video = new Argument<string>("video") { Description = "Video file or frame folder whose tracks to export." };
        var format = new Option<string>("--format") { Description = "csv (one line per point-frame) or json (one object per clip).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out") { Description = "Write here instead of standard output." };
        var exportDir = new Option<string?>("--dir") { Description = "Cache folder (default: cache.dir of the pipeline)." };
        var export = new Command("export", "Write one video's cached tracks as CSV or JSON, for inspection.") { video, exportDir, format, output };
        PipelineInput exportPipeline = PipelineInput.OptionOnly(export, "Pipeline whose track set to export (default: the one partition holding the video).");
        export.SetAction((r, ct) => CacheRuns.ExportAsync(r.GetValue(video)!, exportPipeline.Resolve(r), r.GetValue(exportDir), r.GetValue(format)!, r.GetValue(output), ct));
        cache.Subcommands.Add(export);
        ls.WithExamples(("mosic-stream cache ls -p pipelines/ytvos.json", "the partitions of the pipeline's cache.dir"),
            ("mosic-stream cache ls --dir /nfs/cache --json", "any cache folder, as JSON on stdout"),
            ("mosic-stream cache ls -p pipelines/ytvos.json --expect-corpus", "after a sharded track job: exit 1 when some corpus video has no tracks"));
        verify.WithExamples(("mosic-stream cache verify -p pipelines/ytvos.json", "check every part; exit 1 when something is wrong"),
            ("mosic-stream cache verify -p pipelines/ytvos.json --repair --dry-run", "list what a repair would delete"));
        gc.WithExamples(("mosic-stream cache gc -p pipelines/ytvos.json --dry-run", "list the videos whose tracks would go"),
            ("mosic-stream cache gc -p pipelines/ytvos.json", "remove them (refused beyond --max-remove 50% without --force)"));
        export.WithExamples(("mosic-stream cache export data/bear.mp4 -p pipelines/davis.json --out bear.csv", "one video's tracks, one CSV line per point-frame"));
        return cache.WithExamples(("mosic-stream cache ls", "what the sample pipeline's cache holds"),
            ("mosic-stream cache gc --dry-run", "what gc would remove"));
    }

    private static (PipelineInput Pipeline, Option<string?> Dir) Target(Command command)
    {
        PipelineInput pipeline = PipelineInput.WithPositional(command);
        var dir = new Option<string?>("--dir") { Description = "Cache folder (default: cache.dir of the pipeline).", HelpName = "DIR" };
        command.Options.Add(dir);
        return (pipeline, dir);
    }
}
