using MoSiC.Stream.Stages.Ffmpeg;

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

    private readonly FfmpegProcess _process;
    private readonly string _outputPath;
    private readonly string _partialPath;
    private readonly int _frameBytes;
    private bool _completed;

    private FfmpegVideoWriter(FfmpegProcess process, string outputPath, string partialPath, int frameBytes)
    {
        _process = process;
        _outputPath = outputPath;
        _partialPath = partialPath;
        _frameBytes = frameBytes;
    }

    /// <summary>Starts ffmpeg encoding to <paramref name="outputPath"/>; cancelling <paramref name="ct"/> kills it.</summary>
    public static FfmpegVideoWriter Start(string outputPath, int width, int height, int fps, int crf, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        string partialPath = outputPath + PartialSuffix;
        string[] arguments =
        [
            "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", $"{fps}", "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", $"{crf}", "-pix_fmt", "yuv420p", "-threads", "1",
            // The temporary name hides the container from ffmpeg, so name it explicitly.
            "-f", "mp4", partialPath,
        ];
        var command = new FfmpegCommand(FfmpegTool.Ffmpeg, arguments) { WritesStdin = true, ReadsStdout = false, StderrLines = StderrLinesKept };
        return new FfmpegVideoWriter(FfmpegProcess.Start(command, ct), outputPath, partialPath, width * height * 3);
    }

    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> rgb, CancellationToken ct)
    {
        if (rgb.Length != _frameBytes)
        {
            throw new ArgumentException($"frame must be {_frameBytes} RGB24 bytes, got {rgb.Length}", nameof(rgb));
        }

        try
        {
            await _process.Stdin.WriteAsync(rgb, ct).ConfigureAwait(false);
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
            await _process.Stdin.FlushAsync(ct).ConfigureAwait(false);
            _process.Stdin.Close();
        }
        catch (IOException e)
        {
            ct.ThrowIfCancellationRequested();
            await WaitAfterFailure().ConfigureAwait(false);
            throw Failure("stopped reading frames", e);
        }

        int exitCode = await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw Failure($"exited with code {exitCode}", null);
        }

        File.Move(_partialPath, _outputPath, overwrite: true);
        _completed = true;
    }

    /// <summary>Kills an unfinished ffmpeg and deletes its partial file; a completed video stays.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        if (!_completed)
        {
            DeletePartial();
        }
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
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private FfmpegException Failure(string what, Exception? inner)
    {
        IReadOnlyList<string> stderr = _process.StderrTail;
        string tail = stderr.Count > 0 ? string.Join(Environment.NewLine, stderr) : "(no output on stderr)";
        return new FfmpegException($"ffmpeg {what} while encoding {_outputPath}:{Environment.NewLine}{tail}", inner);
    }
}
