using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>One buffer over the whole run: its bounds, and its mean (time-weighted) and largest depth.</summary>
public sealed record QueueProfile(string Name, int Capacity, long? ByteCapacity, double MeanItems, long MaxItems, double MeanBytes, long MaxBytes)
{
    /// <summary>Mean items over capacity, in [0, 1].</summary>
    public double MeanFill => Capacity > 0 ? Math.Clamp(MeanItems / Capacity, 0, 1) : 0;

    /// <summary>
    /// The profile of <paramref name="final"/> from the <paramref name="timeline"/>; with no samples, the final depth
    /// stands for both mean and maximum.
    /// </summary>
    public static QueueProfile Of(QueueSnapshot final, IReadOnlyList<TimelineSample> timeline)
    {
        double weight = 0, items = 0, bytes = 0;
        long maxItems = final.Count, maxBytes = final.Bytes;
        foreach (var sample in timeline)
        {
            if (sample.Queues.FirstOrDefault(q => q.Name == final.Name) is not { } q) continue;
            double w = sample.Duration.TotalSeconds;
            weight += w;
            items += w * q.Items;
            bytes += w * q.Bytes;
            maxItems = Math.Max(maxItems, q.MaxItems);
            maxBytes = Math.Max(maxBytes, q.MaxBytes);
        }
        return weight > 0
            ? new QueueProfile(final.Name, final.Capacity, final.ByteCapacity, items / weight, maxItems, bytes / weight, maxBytes)
            : new QueueProfile(final.Name, final.Capacity, final.ByteCapacity, final.Count, maxItems, final.Bytes, maxBytes);
    }
}
