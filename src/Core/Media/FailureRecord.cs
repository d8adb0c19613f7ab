namespace MoSiC.Stream.Core.Media;

/// <summary>A video that could not be processed: which one, in which stage, and the specific reason. Data, not a crash.</summary>
/// <param name="Path">The video file or frame folder.</param>
/// <param name="Stage">The stage that gave up (<c>probe</c>, <c>decode</c>, …).</param>
/// <param name="Reason">What went wrong, in words a user can act on.</param>
public sealed record FailureRecord(string Path, string Stage, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Stage}: {Reason}";
}

/// <summary>Thrown by a stage for one bad video; the runner turns it into a <see cref="FailureRecord"/>.</summary>
public sealed class VideoFailedException(string path, string stage, string reason, Exception? inner = null)
    : Exception($"{path}: {stage}: {reason}", inner)
{
    /// <summary>The failure as data.</summary>
    public FailureRecord Record { get; } = new(path, stage, reason);
}
