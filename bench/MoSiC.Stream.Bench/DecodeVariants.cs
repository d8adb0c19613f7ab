using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using FFMpegCore;
using FFMpegCore.Pipes;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Bench;

/// <summary>What one timed decode delivered.</summary>
internal readonly record struct DecodeCount(long Frames, long Bytes);

/// <summary>
/// The three ways of getting RGB24 frames out of ffmpeg that the benchmark compares, each for one file and one thread
/// setting. All of them discard the pixels; each counts bytes and frames so that the variants can be checked against
/// each other.
/// </summary>
internal sealed class DecodeVariants(VideoSource source, ProbeInfo probe, int threads, double? fps, int? width, int? height)
{
    // A: one reused 1 MiB read buffer, as a minimal "read and drop" consumer would have.
    private readonly byte[] _discard = new byte[1 << 20];
    private readonly VideoDecoder _decoder = new();

    private string ThreadText => threads.ToString(CultureInfo.InvariantCulture);

    /// <summary>The decode options of B (native timestamps: no fps, so the decoder adds showinfo).</summary>
    public DecodeOptions NativeOptions => new()
    {
        Fps = null,
        Resize = width is null ? ResizeMode.None : ResizeMode.Stretch,
        Width = width,
        Height = height,
    };

    /// <summary>
    /// The decode options of B2: a constant rate, the requested one or else the file's own (the path pipelines take,
    /// since they set decode.fps); null when the file reports no rate.
    /// </summary>
    public DecodeOptions? CfrOptions => (fps ?? probe.Fps) is { } rate ? NativeOptions with { Fps = rate } : null;

    /// <summary>Bytes of one output frame.</summary>
    public int FrameBytes
    {
        get
        {
            var (w, h) = DecodeGeometry.OutputSize(NativeOptions, probe.DisplayWidth, probe.DisplayHeight);
            return w * h * 3;
        }
    }

    /// <summary>The -vf chain A and C use so that they do what B2 does when --fps/--width/--height are given; null for none.</summary>
    private string? Filters
    {
        get
        {
            var filters = new List<string>();
            if (fps is { } f) filters.Add($"fps=fps={f.ToString("R", CultureInfo.InvariantCulture)}:round=near");
            if (width is { } w && height is { } h) filters.Add($"scale=w={w}:h={h}:flags=bicubic");
            return filters.Count == 0 ? null : string.Join(',', filters);
        }
    }

    /// <summary>
    /// A: the ffmpeg CLI writing rawvideo rgb24 to a pipe that a reused buffer drains and drops; with
    /// <paramref name="pipeBytes"/> &gt; 0 the pipe's kernel buffer is first grown to that size (Linux), as our decoder does.
    /// </summary>
    public async Task<DecodeCount> BaselineAsync(int pipeBytes, CancellationToken ct)
    {
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] head = ["-hide_banner", "-nostdin", "-loglevel", "error", "-threads", ThreadText, "-i", source.Path,
            "-map", "0:v:0", "-an", "-filter_threads", ThreadText];
        foreach (var a in head) info.ArgumentList.Add(a);
        if (Filters is { } vf)
        {
            info.ArgumentList.Add("-vf");
            info.ArgumentList.Add(vf);
        }
        foreach (var a in new[] { "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1" }) info.ArgumentList.Add(a);

        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.BaseStream;
        if (pipeBytes > 0 && OperatingSystem.IsLinux() && stdout is PipeStream pipe)
            _ = SetPipeSize(pipe.SafePipeHandle.DangerousGetHandle().ToInt32(), FSetPipeSize, pipeBytes);
        long bytes = 0;
        int read;
        while ((read = stdout.Read(_discard, 0, _discard.Length)) > 0) bytes += read;
        await process.WaitForExitAsync(ct);
        var errors = await stderr;
        if (process.ExitCode != 0) throw new InvalidOperationException($"baseline ffmpeg exited with {process.ExitCode}: {errors.Trim()}");
        return Count(bytes);
    }

    /// <summary>B / B2: <see cref="VideoDecoder.DecodeAsync"/> with <paramref name="options"/>, frames disposed at once.</summary>
    public async Task<DecodeCount> OursAsync(DecodeOptions options, CancellationToken ct)
    {
        long frames = 0, bytes = 0;
        await foreach (var frame in _decoder.DecodeAsync(source, probe, options, threads, ct))
        {
            frames++;
            bytes += frame.ByteCount;
            frame.Dispose();
        }
        return new DecodeCount(frames, bytes);
    }

    /// <summary>C: FFMpegCore's own pipe output (<see cref="StreamPipeSink"/>) into a stream that counts and drops.</summary>
    public async Task<DecodeCount> FfmpegCoreAsync(CancellationToken ct)
    {
        var sink = new CountingStream();
        var output = $"-pix_fmt rgb24 -filter_threads {ThreadText}{(Filters is { } vf ? $" -vf {vf}" : "")}";
        // Throws on a non-zero exit (throwOnError defaults to true).
        await FFMpegArguments
            .FromFileInput(source.Path, verifyExists: true, o => o.WithCustomArgument($"-threads {ThreadText}"))
            .OutputToPipe(new StreamPipeSink(sink), o => o.ForceFormat("rawvideo").WithCustomArgument(output))
            .CancellableThrough(ct)
            .ProcessAsynchronously();
        return Count(sink.Bytes);
    }

    private const int FSetPipeSize = 1031;

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int SetPipeSize(int fd, int command, int bytes);

    private DecodeCount Count(long bytes)
    {
        if (bytes % FrameBytes != 0)
            throw new InvalidOperationException($"{bytes} bytes is not a whole number of {FrameBytes}-byte frames");
        return new DecodeCount(bytes / FrameBytes, bytes);
    }

    /// <summary>A write-only stream that counts what it is given.</summary>
    private sealed class CountingStream : System.IO.Stream
    {
        public long Bytes { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Bytes;
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Bytes += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Bytes += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Bytes += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Bytes += count;
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
