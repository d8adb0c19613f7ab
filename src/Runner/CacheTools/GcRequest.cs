namespace MoSiC.Stream.Runner.CacheTools;

/// <summary>What <c>cache gc</c> was asked to do.</summary>
/// <param name="PipelinePath">Pipeline whose corpus decides what stays (null: the embedded sample).</param>
/// <param name="Dir">Cache folder, instead of the pipeline's cache.dir.</param>
/// <param name="DryRun">List what would be removed and remove nothing.</param>
/// <param name="Force">Remove even when that is more than <paramref name="MaxRemovePercent"/> of the cache.</param>
/// <param name="MaxRemovePercent">The largest share of the cache's clips gc removes without <paramref name="Force"/> (default 50).</param>
internal sealed record GcRequest(string? PipelinePath, string? Dir, bool DryRun, bool Force, double MaxRemovePercent = GcRequest.DefaultMaxRemovePercent)
{
    /// <summary>Half the cache: more than that is far likelier a corpus that did not mount fully than a deliberate clean-up.</summary>
    public const double DefaultMaxRemovePercent = 50;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option when a value is out of range.</summary>
    public GcRequest ThrowIfInvalid()
    {
        if (!(MaxRemovePercent is >= 0 and <= 100)) throw new ArgumentException($"--max-remove must be a percentage in [0, 100], got {MaxRemovePercent}");
        return this;
    }
}
