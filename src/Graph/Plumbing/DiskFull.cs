namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>Recognises "no space left on device" (ENOSPC, or ERROR_DISK_FULL on Windows): retrying cannot help it.</summary>
internal static class DiskFull
{
    private const int Enospc = 28, ErrorDiskFull = unchecked((int)0x80070070), ErrorHandleDiskFull = unchecked((int)0x80070027);

    public static bool Is(Exception e) => e is IOException io
        && (io.HResult is Enospc or ErrorDiskFull or ErrorHandleDiskFull || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
}
