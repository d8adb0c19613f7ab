using System.ComponentModel;
using System.Diagnostics;

namespace MoSiC.Stream.Stages.Encode;

/// <summary>
/// Encodes RGB24 frames piped to an ffmpeg/libx264 process. The video is written under a
/// temporary name and renamed only after ffmpeg exits cleanly, so an interrupted run never leaves
/// a truncated file under the final name. Dispose without <see cref="CompleteAsync"/> to abort.
/// </summary>
public sealed class FfmpegVideoWriter : IAsyncDisposable
{
    /// <summary>Suffix of the file being written; stale ones are safe to delete.</summary>
    public const string PartialSuffix = ".partial";

    private const int StderrLinesKept = 20;
    private static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _outputPath;
    private readonly string _partialPath;
    private readonly int _frameBytes;
    private readonly Queue<string> _stderr = new();
    private readonly CancellationTokenRegistration _killOnCancel;
    private bool _completed;

    private FfmpegVideoWriter(Process process, string outputPath, string partialPath, int frameBytes, CancellationToken ct)
    {
        _process = process;
        _outputPath = outputPath;
        _partialPath = partialPath;
        _frameBytes = frameBytes;
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _killOnCancel = ct.Register(Kill);
    }

    public static FfmpegVideoWriter Start(string outputPath, int width, int height, int fps, int crf, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        string partialPath = outputPath + PartialSuffix;
        var info = new ProcessStartInfo(MoSiC.Stream.Stages.Decode.FfmpegTools.Ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", $"{fps}", "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", $"{crf}", "-pix_fmt", "yuv420p", "-threads", "1",
            // The temporary name hides the container from ffmpeg, so name it explicitly.
            "-f", "mp4", partialPath,
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new FfmpegException($"could not start ffmpeg ('{info.FileName}'): {e.Message}", e);
        }

        return new FfmpegVideoWriter(process, outputPath, partialPath, width * height * 3, ct);
    }

    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> rgb, CancellationToken ct)
    {
        if (rgb.Length != _frameBytes)
        {
            throw new ArgumentException($"frame must be {_frameBytes} RGB24 bytes, got {rgb.Length}", nameof(rgb));
        }

        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(rgb, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            ct.ThrowIfCancellationRequested();
            // A broken pipe means ffmpeg has gone; its stderr says why.
            await WaitAfterFailure().ConfigureAwait(false);
            throw Failure("stopped reading frames", e);
        }
    }

    /// <summary>Closes the input, waits for ffmpeg and moves the finished video to its final name.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        try
        {
            await _process.StandardInput.BaseStream.FlushAsync(ct).ConfigureAwait(false);
            _process.StandardInput.Close();
        }
        catch (IOException e)
        {
            ct.ThrowIfCancellationRequested();
            await WaitAfterFailure().ConfigureAwait(false);
            throw Failure("stopped reading frames", e);
        }

        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw Failure($"exited with code {_process.ExitCode}", null);
        }

        File.Move(_partialPath, _outputPath, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        if (!_completed)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            DeletePartial();
        }

        _process.Dispose();
    }

    private void DeletePartial()
    {
        try
        {
            if (File.Exists(_partialPath))
            {
                File.Delete(_partialPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup must not hide the error that got us here; the next run deletes stale partials.
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone between the check and the kill.
        }
    }

    /// <summary>Lets a failing ffmpeg finish writing its error (bounded), so the message can quote it.</summary>
    private async Task WaitAfterFailure()
    {
        using var grace = new CancellationTokenSource(FailureGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > StderrLinesKept)
            {
                _stderr.Dequeue();
            }
        }
    }

    private FfmpegException Failure(string what, Exception? inner)
    {
        string tail;
        lock (_stderr)
        {
            tail = _stderr.Count > 0 ? string.Join(Environment.NewLine, _stderr) : "(no output on stderr)";
        }

        return new FfmpegException($"ffmpeg {what} while encoding {_outputPath}:{Environment.NewLine}{tail}", inner);
    }
}
