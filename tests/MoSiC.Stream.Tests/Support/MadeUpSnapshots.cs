using System.Diagnostics;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Snapshots and statistics made up for tests: decode → track → train with track the bottleneck.</summary>
internal static class MadeUpSnapshots
{
    public static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static StageSnapshot Stage(string name, int workers, long items, double busy, double starved, double blocked) =>
        new(name, workers, items, items * 1_000_000, items, items * 500_000, busy, starved, blocked);

    /// <summary>
    /// 100 s run: track (2 workers) busy 97%, decode blocked 80% behind it, train starved 70%; decode's buffer to
    /// track full, track's buffer to train nearly empty.
    /// </summary>
    public static PipelineSnapshot TrackBound() => new(TimeSpan.FromSeconds(100),
        [
            Stage("decode", 1, 400, busy: 15, starved: 5, blocked: 80),
            Stage("track", 2, 120, busy: 194, starved: 4, blocked: 2),
            Stage("train", 1, 120, busy: 25, starved: 70, blocked: 0),
        ],
        [
            new QueueSnapshot("decode→track", 8, 64_000_000, 8, 60_000_000),
            new QueueSnapshot("track→train", 16, null, 1, 0),
        ],
        new RunSnapshot(40, 30, 1, 2, 110, 10, 100, 25, 40, 3.21));

    /// <summary>A timeline matching <see cref="TrackBound"/>: <paramref name="count"/> samples of one second.</summary>
    public static List<TimelineSample> Timeline(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new TimelineSample(TimeSpan.FromSeconds(i), TimeSpan.FromSeconds(1),
            [
                new StageSample("decode", 0.1 + 0.1 * (i % 3), 0.05, 0.8, 4),
                new StageSample("track", 0.95 + 0.01 * (i % 5), 0.02, 0.01, 1.2),
                new StageSample("train", 0.25, 0.7, 0, 1.2),
            ],
            [
                new QueueSample("decode→track", 8, 64_000_000, 7 + i % 2, 56_000_000, 8, 64_000_000),
                new QueueSample("track→train", 16, null, i % 3, 0, 2, 0),
            ]))];
}
