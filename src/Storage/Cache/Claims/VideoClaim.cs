namespace MoSiC.Stream.Storage.Cache.Claims;

/// <summary>
/// A process's claim to track one video of one track set: <c>DIR/_claims/&lt;set id&gt;/&lt;video hash&gt;.claim</c>, a
/// <see cref="ClaimFile"/>. While it exists, other runs on the same cache leave the video to its holder, so two runs
/// never track the same clip. Disposing removes it; a claim whose process is gone (same host), or older than
/// <see cref="TrajectoryCacheOptions.StaleAfter"/> (another host), is taken over.
/// </summary>
public sealed class VideoClaim : IDisposable
{
    private readonly ClaimFile _file;

    private VideoClaim(ClaimFile file) => _file = file;

    /// <summary>Claims <paramref name="videoHash"/> under <paramref name="dir"/>, or returns null when a live run holds it.</summary>
    internal static VideoClaim? TryTake(string dir, string videoHash, TimeSpan staleAfter, TimeProvider clock) =>
        ClaimFile.TryTake(Path.Combine(dir, videoHash + ".claim"), staleAfter, clock) is { } file ? new VideoClaim(file) : null;

    /// <summary>Gives the video back.</summary>
    public void Dispose() => _file.Dispose();
}
