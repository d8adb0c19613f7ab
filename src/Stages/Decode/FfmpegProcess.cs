using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// One running ffmpeg: its stdout is the frame stream, its stderr is pumped concurrently (so ffmpeg never blocks on
/// it) into a bounded tail for error messages and, when asked, into per-frame timestamps from the showinfo filter.
/// Disposing kills a process that is still running and waits for it, so none is left behind. ffmpeg runs with
/// -nostdin and writes to our pipe: if this process dies, ffmpeg's next write fails and it exits too.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Channel<double>? _timestamps;
    private readonly Task _stderrPump;

    private FfmpegProcess(Process process, bool parseTimestamps)
    {
        _process = process;
        // Bounded: showinfo lines run at most a few frames ahead of the pixels they describe.
        _timestamps = parseTimestamps
            ? Channel.CreateBounded<double>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true })
            : null;
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> (passed as an argument list: no quoting issues).</summary>
    public static FfmpegProcess Start(string executable, IEnumerable<string> arguments, bool parseTimestamps)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new FileNotFoundException($"Cannot start '{executable}': {ex.Message}. Install ffmpeg (sudo apt-get install -y ffmpeg).", ex);
        }
        // Frames are megabytes: a 1 MiB pipe instead of 64 KiB cuts the reads and context switches per frame ~16×.
        PipeBuffer.TryEnlarge(process.StandardOutput.BaseStream);
        return new FfmpegProcess(process, parseTimestamps);
    }

    /// <summary>The raw frame bytes ffmpeg writes.</summary>
    public System.IO.Stream Stdout => _process.StandardOutput.BaseStream;

    /// <summary>The last lines ffmpeg wrote to stderr (showinfo lines excluded).</summary>
    public IReadOnlyList<string> StderrTail
    {
        get { lock (_tail) return _tail.ToArray(); }
    }

    /// <summary>The next frame's presentation time in seconds, or null when ffmpeg reported no more frames.</summary>
    public async ValueTask<double?> NextTimestampAsync(CancellationToken ct)
    {
        var channel = _timestamps ?? throw new InvalidOperationException("Timestamps were not requested.");
        return await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false) && channel.Reader.TryRead(out var t) ? t : null;
    }

    /// <summary>Waits for ffmpeg to exit and for its stderr to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        await _stderrPump.WaitAsync(ct).ConfigureAwait(false);
        return _process.ExitCode;
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
                    if (ParsePtsTime(line) is { } t) await _timestamps.Writer.WriteAsync(t).ConfigureAwait(false);
                    continue;
                }
                lock (_tail)
                {
                    _tail.Enqueue(line);
                    if (_tail.Count > TailLines) _tail.Dequeue();
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

    // "[Parsed_showinfo_1 @ 0x…] n:   3 pts:   3072 pts_time:0.125   duration:…"
    private static double? ParsePtsTime(string line)
    {
        var at = line.IndexOf("pts_time:", StringComparison.Ordinal);
        if (at < 0 || !line.Contains(" n:", StringComparison.Ordinal)) return null;
        var start = at + "pts_time:".Length;
        var end = line.IndexOf(' ', start);
        var text = end < 0 ? line[start..] : line[start..end];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _timestamps?.Writer.TryComplete();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        _process.Dispose();
    }
}
