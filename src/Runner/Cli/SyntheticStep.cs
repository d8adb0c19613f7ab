using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>Generates the pipeline's synthetic corpus when it asks for one (TEMPORARY until merged).</summary>
internal static class SyntheticStep
{
    public static Task<string?> EnsureAsync(CorpusOptions corpus, CancellationToken ct) => Task.FromResult(corpus.Synthetic is null ? null : corpus.Root ?? corpus.Synthetic.Out);
}
