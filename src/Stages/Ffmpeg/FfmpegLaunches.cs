namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>
/// Counts the ffmpeg and ffprobe processes started within a scope (an async flow: the code that runs after
/// <see cref="Scope"/>, and the tasks it starts), so a test can prove that work over a fully cached video starts none,
/// while other tests in the same process start their own.
/// </summary>
public sealed class FfmpegLaunches : IDisposable
{
    private static readonly AsyncLocal<FfmpegLaunches?> Current = new();
    private readonly FfmpegLaunches? _outer;
    private int _count;

    private FfmpegLaunches(FfmpegLaunches? outer) => _outer = outer;

    /// <summary>Processes started in this scope so far.</summary>
    public int Started => Volatile.Read(ref _count);

    /// <summary>Starts counting the launches of the current async flow; dispose to stop.</summary>
    public static FfmpegLaunches Scope()
    {
        var scope = new FfmpegLaunches(Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>Called by <see cref="FfmpegProcess"/> for each process it starts.</summary>
    internal static void Count()
    {
        for (FfmpegLaunches? scope = Current.Value; scope is not null; scope = scope._outer) Interlocked.Increment(ref scope._count);
    }

    /// <inheritdoc />
    public void Dispose() => Current.Value = _outer;
}
