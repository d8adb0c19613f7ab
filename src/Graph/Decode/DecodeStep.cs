using System.Diagnostics;
using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// Decodes what a video's clips need, and only that: plans the clips first (<see cref="VideoPlanner"/>: from the
/// cache's plan record, or from the probe), decodes the frames of the clips this run needs (streaming through dense
/// clips, seeking to sparse ones: <see cref="DecodeSegments"/>), and hands each clip on as soon as it is complete, so
/// memory holds the frames of clips in flight, never the video. A video whose clips need nothing starts no ffmpeg.
/// A video that turns out to hold another number of frames than planned is planned again from the decoder's count
/// (clips already handed on stay: their tracks are right for their frames). A video that cannot be decoded becomes a
/// failure record; a stop request kills the ffmpeg in flight, and the rest of that video is simply not done.
/// </summary>
internal sealed class DecodeStep(GraphContext g, Pipe<DecodedWork> output, CancellationToken stopping)
{
    private const int Attempts = 3;
    private readonly VideoPlanner _planner = new(g);
    private readonly FrameReader _reader = new();

    public async ValueTask RunAsync(VideoWork video, StageWorker worker, CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        try
        {
            await CutAsync(video, worker, either.Token, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await EndAsync(video, worker, ct).ConfigureAwait(false);
        }
        catch (VideoFailedException e)
        {
            g.VideoFailed(e.Record);
            await EndAsync(video, worker, ct).ConfigureAwait(false);
        }
        catch (FrameCountException e)
        {
            g.VideoFailed(new FailureRecord(video.Source.Path, "decode", $"{e.Message}, still after {Attempts} plans"));
            await EndAsync(video, worker, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            g.VideoFailed(new FailureRecord(video.Source.Path, "decode", e.Message));
            await EndAsync(video, worker, ct).ConfigureAwait(false);
        }
    }

    // Tells sample that no more of this video will come, so it forgets what it kept for it.
    private ValueTask EndAsync(VideoWork video, StageWorker worker, CancellationToken ct) => output.WriteAsync(new DecodedWork(video, null, null), 0, worker, ct);

    // Reads with `token` (a stop kills ffmpeg), writes with `ct` (a clip already cut still goes on).
    private async Task CutAsync(VideoWork video, StageWorker worker, CancellationToken token, CancellationToken ct)
    {
        VideoCut cut = await _planner.PlanAsync(video, token).ConfigureAwait(false);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var limit = new DecodeLimit(g.Options.Decode.TimeoutSeconds, video.Source.Path);
        string? note = null;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await DecodeAsync(cut, sent, limit, worker, token, ct).ConfigureAwait(false);
                break;
            }
            catch (FrameCountException e) when (attempt < Attempts)
            {
                // Planned again from what decoding found; a seek that missed is retried by streaming from the start.
                int frames = e.Actual ?? cut.Frames;
                note = string.Create(CultureInfo.InvariantCulture, $"planned again: {e.Message}");
                cut = _planner.Replan(cut, frames, counted: e.Actual is not null || cut.Checked);
            }
        }

        int toTrack = cut.Keys.Where((k, i) => cut.Needs[i] == ClipNeed.Track && sent.Contains(k)).Count();
        int found = cut.Needs.Count(n => n is ClipNeed.Found or ClipNeed.Train or ClipNeed.Trained);
        int uncached = cut.Needs.Count(n => n == ClipNeed.Uncached);
        if (uncached > 0) Interlocked.Add(ref g.Uncached, uncached);
        if (cut.Needs.Contains(ClipNeed.Elsewhere)) note = "another run on this cache is tracking it; left to that run";
        if (cut.Record is null && cut.Needs.All(n => n is ClipNeed.Found or ClipNeed.Train or ClipNeed.Trained)) await RecordAsync(cut.Describe(), ct).ConfigureAwait(false);
        int[] trained = [.. Enumerable.Range(0, cut.Plans.Count).Where(i => cut.Needs[i] == ClipNeed.Trained)];
        await output.WriteAsync(new DecodedWork(video, null, new VideoTally(cut.Frames, cut.Plans.Count, toTrack, found, note, trained)), 0, worker, ct).ConfigureAwait(false);
    }

    private async Task DecodeAsync(VideoCut cut, HashSet<string> sent, DecodeLimit limit, StageWorker worker, CancellationToken token, CancellationToken ct)
    {
        int[] wanted = [.. Enumerable.Range(0, cut.Plans.Count).Where(i => cut.Needs[i] is ClipNeed.Train or ClipNeed.Track && !sent.Contains(cut.Keys[i]))];
        if (wanted.Length == 0) return;
        ProbeInfo probe = cut.Probe ?? await _planner.ProbeAsync(cut.Video.Source, token).ConfigureAwait(false);
        // The plan record rides on the video's last clip to be tracked, and only once the frame count is confirmed.
        int carrier = Array.FindLast(wanted, i => cut.Needs[i] == ClipNeed.Track);
        bool recordable = cut.Needs.All(n => n is ClipNeed.Found or ClipNeed.Train or ClipNeed.Trained or ClipNeed.Track) && carrier >= 0 && cut.Record is null;
        bool check = !cut.Checked;
        ClipWork? held = null;
        using var assembler = new ClipAssembler([.. wanted.Select(i => (i, cut.Plans[i]))]);
        try
        {
            foreach (FrameSegment segment in DecodeSegments.Plan(cut, wanted, check))
            {
                await foreach (VideoFrame frame in _reader.ReadAsync(cut.Video.Source, probe, g.Options.Decode, g.Options.Runtime.Threads.FfmpegThreads,
                                   segment, i => limit.Check() && assembler.Wants(i), token).ConfigureAwait(false))
                {
                    IReadOnlyList<(int Index, Stages.Sample.ClipPlan Plan, double[] Times, ClipPixels Pixels)> ready;
                    using (frame) ready = assembler.Add(frame);
                    for (int r = 0; r < ready.Count; r++)
                    {
                        var (index, plan, times, pixels) = ready[r];
                        var clip = new ClipWork(cut.Video, index, plan, cut.Keys[index], times, pixels) { Cached = cut.Needs[index] == ClipNeed.Train };
                        if (index == carrier && recordable)
                        {
                            clip = clip with { Record = cut.Describe() };
                            if (check)
                            {
                                held = clip;
                                continue;
                            }
                        }

                        try
                        {
                            await SendAsync(clip, sent, limit, worker, ct).ConfigureAwait(false);
                        }
                        catch
                        {
                            for (int rest = r + 1; rest < ready.Count; rest++) ready[rest].Pixels.Dispose();
                            throw;
                        }
                    }
                }
            }

            if (assembler.Pending > 0) throw new FrameCountException($"{assembler.Pending} clips never received all their frames", null);
            if (held is not null)
            {
                ClipWork last = held;
                held = null;
                await SendAsync(last, sent, limit, worker, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            // A clip of a plan that turned out wrong is dropped, not tracked.
            held?.Dispose();
        }
    }

    private async Task SendAsync(ClipWork clip, HashSet<string> sent, DecodeLimit limit, StageWorker worker, CancellationToken ct)
    {
        sent.Add(clip.Key);
        using (limit.Paused())
        {
            await output.WriteOwnedAsync(new DecodedWork(clip.Video, clip, null), clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
        }
    }

    // A video whose clips were all cached already: its plan record alone, so the next run plans it without ffmpeg.
    private async Task RecordAsync(CachedVideo record, CancellationToken ct)
    {
        try
        {
            await g.Storage.ExecuteAsync(async token => await g.Cache.WriteAsync(g.Set, [], [record], null, token).ConfigureAwait(false), ct).ConfigureAwait(false);
            g.Recorded(record);
        }
        catch (IOException e)
        {
            g.Log($"  plan record of {record.VideoHash[..12]} not written ({e.Message}); the next run probes it again");
        }
    }

    /// <summary>
    /// decode.timeoutSeconds over the time spent decoding one video, not the time its clips wait for room downstream
    /// (a slow trainer must not fail a long video). A hang between frames is the decoder's stall watchdog's to end.
    /// </summary>
    private sealed class DecodeLimit(double seconds, string path)
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private long _paused;

        /// <summary>True while within the limit (for use in a condition); throws past it.</summary>
        public bool Check()
        {
            if (seconds <= 0) return true;
            double spent = Stopwatch.GetElapsedTime(_start).TotalSeconds - (double)_paused / Stopwatch.Frequency;
            if (spent > seconds)
                throw new VideoFailedException(path, "decode", string.Create(CultureInfo.InvariantCulture, $"did not finish within decode.timeoutSeconds = {seconds} s; ffmpeg was killed"));
            return true;
        }

        public PauseScope Paused() => new(this, Stopwatch.GetTimestamp());

        public readonly struct PauseScope(DecodeLimit limit, long start) : IDisposable
        {
            public void Dispose() => limit._paused += Stopwatch.GetTimestamp() - start;
        }
    }
}
