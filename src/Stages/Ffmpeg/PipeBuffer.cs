using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>
/// Grows the kernel buffer of a pipe (Linux <c>F_SETPIPE_SZ</c>). A decoded frame is 1–25 MB and ffmpeg writes it in
/// one go; through the default 64 KiB pipe that is dozens of blocked writes and reader wake-ups per frame, each one a
/// context switch and, for an async read, an epoll round trip. With 1 MiB (the largest size an unprivileged process
/// may set, /proc/sys/fs/pipe-max-size) the same frame crosses in a handful of reads.
/// </summary>
internal static class PipeBuffer
{
    /// <summary>The pipe size asked for: Linux's default unprivileged maximum.</summary>
    public const int PreferredBytes = 1 << 20;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    /// <summary>
    /// Asks for a buffer of <paramref name="bytes"/> under <paramref name="stream"/>; returns the size the kernel set,
    /// or -1 where that is not possible (not Linux, not a pipe, refused). Never throws: a small pipe is only slower.
    /// </summary>
    public static int TryEnlarge(System.IO.Stream stream, int bytes = PreferredBytes)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return -1;
        try
        {
            var handle = pipe.SafePipeHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return Fcntl(handle.DangerousGetHandle().ToInt32(), SetPipeSize, bytes);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException
                                       or InvalidOperationException or IOException)
        {
            return -1;
        }
    }

    // int fcntl(int fd, int cmd, int arg): the third argument is an int for F_SETPIPE_SZ.
    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
