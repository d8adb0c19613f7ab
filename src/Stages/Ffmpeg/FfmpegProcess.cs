using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>
/// The one way this program starts ffmpeg or ffprobe. Arguments go through an argument list (no shell, no quoting),
/// after <c>-hide_banner</c> and, for ffmpeg, <c>-nostdin</c>; stdin is closed unless the caller writes frames to it,
/// so neither tool ever reads the terminal. The pipe that carries frames is enlarged (<see cref="PipeBuffer"/>);
/// stderr is pumped concurrently (so the process never blocks on it) into a bounded tail for error messages and, when
/// asked, into per-frame timestamps from the showinfo filter. Cancelling the token given at start kills the whole
/// process tree, and so does disposing a process that still runs, after which it is waited for: none is left behind.
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int _tailLines;
    private readonly Queue<string> _tail = new();
    private readonly Channel<ShowInfoStamp>? _timestamps;
    private readonly Task _stderrPump;
    private readonly Task _stdoutDrain;
    private readonly CancellationTokenRegistration _killOnCancel;

    private FfmpegProcess(Process process, FfmpegCommand command, CancellationToken killOn)
    {
        _process = process;
        _tailLines = command.StderrLines;
        // Bounded: showinfo lines run at most a few frames ahead of the pixels they describe.
        _timestamps = command.ParseTimestamps
            ? Channel.CreateBounded<ShowInfoStamp>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true })
            : null;
        _stderrPump = Task.Run(PumpStderrAsync);
        _stdoutDrain = command.ReadsStdout ? Task.CompletedTask : Task.Run(DrainStdoutAsync);
        _killOnCancel = killOn.Register(Kill);
    }

    /// <summary>
    /// Starts <paramref name="command"/>; cancelling <paramref name="killOn"/> kills it. Throws
    /// <see cref="FfmpegException"/> when the binary cannot be started.
    /// </summary>
    public static FfmpegProcess Start(FfmpegCommand command, CancellationToken killOn)
    {
        ArgumentNullException.ThrowIfNull(command);
        string name = command.Tool == FfmpegTool.Ffmpeg ? "ffmpeg" : "ffprobe";
        var info = new ProcessStartInfo(command.Tool == FfmpegTool.Ffmpeg ? FfmpegTools.Ffmpeg : FfmpegTools.Ffprobe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("-hide_banner");
        // ffprobe has no -nostdin (it never reads stdin); ffmpeg would take keystrokes from a terminal without it.
        if (command.Tool == FfmpegTool.Ffmpeg) info.ArgumentList.Add("-nostdin");
        foreach (string argument in command.Arguments) info.ArgumentList.Add(argument);

        var process = new Process { StartInfo = info };
        FfmpegLaunches.Count();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new FfmpegException($"could not start {name} ('{info.FileName}'): {ex.Message}. Install ffmpeg (sudo apt-get install -y ffmpeg).", ex);
        }

        // Frames are megabytes: a 1 MiB pipe instead of 64 KiB cuts the reads, writes and context switches per frame ~16×.
        if (command.WritesStdin) PipeBuffer.TryEnlarge(process.StandardInput.BaseStream);
        else process.StandardInput.Close();
        if (command.ReadsStdout) PipeBuffer.TryEnlarge(process.StandardOutput.BaseStream);
        return new FfmpegProcess(process, command, killOn);
    }

    /// <summary>
    /// Runs <paramref name="command"/> to its end and returns its exit code, stdout text and stderr tail. Cancelling
    /// <paramref name="ct"/> (a timeout, too) kills the process and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<FfmpegResult> RunAsync(FfmpegCommand command, CancellationToken ct)
    {
        await using FfmpegProcess process = Start(command with { ReadsStdout = true, WritesStdin = false }, ct);
        using var reader = new StreamReader(process.Stdout);
        string stdout = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        int exitCode = await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return new FfmpegResult(exitCode, stdout, process.StderrTail);
    }

    /// <summary>The process's stdin, for a command that <see cref="FfmpegCommand.WritesStdin"/>.</summary>
    public System.IO.Stream Stdin => _process.StandardInput.BaseStream;

    /// <summary>What the process writes to stdout (raw frames, JSON, …), for a command that <see cref="FfmpegCommand.ReadsStdout"/>.</summary>
    public System.IO.Stream Stdout => _process.StandardOutput.BaseStream;

    /// <summary>The last non-blank lines the process wrote to stderr (showinfo lines excluded).</summary>
    public IReadOnlyList<string> StderrTail
    {
        get { lock (_tail) return _tail.ToArray(); }
    }

    /// <summary>The next frame's presentation time in seconds, or null when ffmpeg reported no more frames.</summary>
    public async ValueTask<double?> NextTimestampAsync(CancellationToken ct) => (await NextShowInfoAsync(ct).ConfigureAwait(false))?.Seconds;

    /// <summary>The next frame's stamp and time as showinfo printed them, or null when ffmpeg reported no more frames.</summary>
    public async ValueTask<ShowInfoStamp?> NextShowInfoAsync(CancellationToken ct)
    {
        var channel = _timestamps ?? throw new InvalidOperationException("Timestamps were not requested.");
        return await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false) && channel.Reader.TryRead(out var t) ? t : null;
    }

    /// <summary>
    /// Waits for the process to exit and for its output to be read to the end; returns the exit code. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> was cancelled, even if the process exited
    /// meanwhile: it may have been killed for that, and its exit code would then mean nothing.
    /// </summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        await _stderrPump.WaitAsync(ct).ConfigureAwait(false);
        await _stdoutDrain.WaitAsync(ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return _process.ExitCode;
    }

    /// <summary>Kills the process and its children if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            var reader = _process.StandardError;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (_timestamps is not null && line.Contains("showinfo", StringComparison.Ordinal))
                {
                    if (ParseShowInfo(line) is { } t) await _timestamps.Writer.WriteAsync(t).ConfigureAwait(false);
                    continue;
                }

                if (string.IsNullOrWhiteSpace(line)) continue;
                lock (_tail)
                {
                    _tail.Enqueue(line);
                    if (_tail.Count > _tailLines) _tail.Dequeue();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ChannelClosedException)
        {
            // The process was killed while we read: what we have is what there is.
        }
        finally
        {
            _timestamps?.Writer.TryComplete();
        }
    }

    // Output nobody reads must still be read, or a process that writes some would block on the full pipe.
    private async Task DrainStdoutAsync()
    {
        try
        {
            await _process.StandardOutput.BaseStream.CopyToAsync(System.IO.Stream.Null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Killed while we read.
        }
    }

    // "[Parsed_showinfo_1 @ 0x…] n:   3 pts:   3072 pts_time:0.125   duration:…"
    private static ShowInfoStamp? ParseShowInfo(string line)
    {
        var at = line.IndexOf("pts_time:", StringComparison.Ordinal);
        if (at < 0 || !line.Contains(" n:", StringComparison.Ordinal)) return null;
        var start = at + "pts_time:".Length;
        var end = line.IndexOf(' ', start);
        var text = end < 0 ? line[start..] : line[start..end];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var t)) return null;
        // The integer stamp, in the link's time base: exact where pts_time (6 significant digits) is not.
        var ptsAt = line.IndexOf(" pts:", StringComparison.Ordinal);
        long pts = long.MinValue;
        if (ptsAt >= 0 && ptsAt < at)
        {
            var digits = line.AsSpan(ptsAt + " pts:".Length, at - ptsAt - " pts:".Length).Trim();
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out pts)) pts = long.MinValue;
        }

        return new ShowInfoStamp(pts, t);
    }

    /// <summary>Kills the process if it still runs, waits for it and for its output pumps, and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        Kill();
        _timestamps?.Writer.TryComplete();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        await _stdoutDrain.ConfigureAwait(false);
        _process.Dispose();
    }
}
