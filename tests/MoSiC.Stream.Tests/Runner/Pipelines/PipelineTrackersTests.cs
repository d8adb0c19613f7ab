using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Pipelines;

/// <summary>
/// Every tracker a pipeline can name gets a cache partition the cache itself accepts as one of its own names: a
/// tracker without settings (synthetic-truth, static, CoTracker3) once got "NAME-v1&amp;weights=none-…", which the
/// confined-path check (issue #19) rejects, so its tracks were written and then never read back.
/// </summary>
public sealed class PipelineTrackersTests
{
    [Fact]
    public void Every_tracker_gets_a_partition_name_the_cache_reads_back()
    {
        using var dir = new TempDir();
        string weights = dir.File("w.pth");
        File.WriteAllBytes(weights, [1, 2, 3]);
        Assert.NotEmpty(PipelineTrackers.All.Available);
        foreach (string name in PipelineTrackers.All.Available)
        {
            var options = new PipelineOptions { Tracker = new TrackerOptions { Name = name, Weights = weights } };
            TrackSet set = TrackSets.For(options, PipelineTrackers.All.Identity(options.Tracker, name), QuerySpec.Grid(4));
            Assert.True(CacheLayout.Unconfined(set.Id, "part-0123456789abcdef0123.parquet") is null, $"{name}: partition {set.Id} is not a name the cache accepts");
            Assert.StartsWith(name.Replace('/', '-'), set.Id, StringComparison.Ordinal);
        }
    }
}
