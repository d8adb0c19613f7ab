namespace MoSiC.Stream.Runner.Profiling;

/// <summary>Joins two adjacent timeline samples into one covering both spans, weighting each by its duration.</summary>
internal static class TimelineMerge
{
    /// <summary>The sample covering <paramref name="earlier"/> then <paramref name="later"/>.</summary>
    public static TimelineSample Merge(TimelineSample earlier, TimelineSample later)
    {
        double a = earlier.Duration.TotalSeconds, b = later.Duration.TotalSeconds, total = a + b;
        // Two empty spans cannot weigh anything; split evenly so the result is still defined.
        double wa = total > 0 ? a / total : 0.5, wb = 1 - wa;

        var stages = new List<StageSample>();
        foreach (string name in Names(earlier.Stages.Select(s => s.Name), later.Stages.Select(s => s.Name)))
        {
            // A stage registered during the span was idle before it existed: it contributes zeros.
            var x = earlier.Stages.FirstOrDefault(s => s.Name == name) ?? new StageSample(name, 0, 0, 0, 0);
            var y = later.Stages.FirstOrDefault(s => s.Name == name) ?? new StageSample(name, 0, 0, 0, 0);
            stages.Add(new StageSample(name, wa * x.Busy + wb * y.Busy, wa * x.Starved + wb * y.Starved, wa * x.Blocked + wb * y.Blocked,
                wa * x.ItemsOutPerSecond + wb * y.ItemsOutPerSecond));
        }

        var queues = new List<QueueSample>();
        foreach (string name in Names(earlier.Queues.Select(q => q.Name), later.Queues.Select(q => q.Name)))
        {
            var x = earlier.Queues.FirstOrDefault(q => q.Name == name);
            var y = later.Queues.FirstOrDefault(q => q.Name == name);
            var shape = (y ?? x)!;
            x ??= shape with { Items = 0, Bytes = 0, MaxItems = 0, MaxBytes = 0 };
            y ??= shape with { Items = 0, Bytes = 0, MaxItems = 0, MaxBytes = 0 };
            queues.Add(shape with
            {
                Items = wa * x.Items + wb * y.Items,
                Bytes = wa * x.Bytes + wb * y.Bytes,
                MaxItems = Math.Max(x.MaxItems, y.MaxItems),
                MaxBytes = Math.Max(x.MaxBytes, y.MaxBytes),
            });
        }

        return new TimelineSample(later.Elapsed, earlier.Duration + later.Duration, stages, queues);
    }

    private static IEnumerable<string> Names(IEnumerable<string> first, IEnumerable<string> second) => first.Concat(second).Distinct();
}
