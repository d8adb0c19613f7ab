using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Runner.Run;

/// <summary>Generates the pipeline's synthetic corpus into corpus.root when the pipeline asks for one and it is not there yet.</summary>
internal static class SyntheticStep
{
    public static async Task EnsureAsync(CorpusOptions corpus, CancellationToken ct)
    {
        if (corpus.Synthetic is null) return;
        var progress = new Progress<string>(line => { if (!CliOutput.Quiet) CliOutput.Human.WriteLine($"  synth: {line}"); });
        var manifest = await SyntheticCorpus.GenerateAsync(corpus.Synthetic, corpus.ResolvedRoot, progress, ct).ConfigureAwait(false);
        if (!CliOutput.Quiet) CliOutput.Human.WriteLine($"synthetic corpus: {manifest.Videos.Count} videos in {Path.GetFullPath(corpus.ResolvedRoot)} (seed {manifest.Seed})");
    }
}
