namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// A hook for fault injection: the cache calls it before each part write, manifest write and part read, and whatever
/// it throws (an <see cref="IOException"/> as a flaky disk or a full one would) fails that operation. Reliability
/// tests use it; production caches have none.
/// </summary>
public interface IStorageFaults
{
    /// <summary>Called before writing under <paramref name="path"/> (a partition or the manifest folder).</summary>
    void BeforeWrite(string path);

    /// <summary>Called before reading the part at <paramref name="path"/>.</summary>
    void BeforeRead(string path);
}
