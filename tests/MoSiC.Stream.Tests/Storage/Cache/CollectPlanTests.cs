using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>gc's plan (what <c>--dry-run</c> lists and the share check weighs) matches what gc then does, and changes nothing.</summary>
public sealed class CollectPlanTests
{
    [Fact]
    public async Task The_plan_names_what_gc_removes_and_touches_no_file()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, [Clip(Set, "a", 0), Clip(Set, "b", 0)], CancellationToken.None); // rewritten
        await cache.WriteAsync(Set, [Clip(Set, "b", 1)], CancellationToken.None);                     // deleted
        await cache.WriteAsync(Set, [Clip(Set, "c", 0)], CancellationToken.None);                     // untouched
        string[] before = Parts(cache, Set);
        var keep = new HashSet<string> { VideoHash("a"), VideoHash("c") };

        CollectPlan plan = cache.PlanCollect(keep);

        Assert.Equal((4, 2, 1, 1), (plan.ClipsTotal, plan.ClipsRemoved, plan.PartsDeleted, plan.PartsRewritten));
        Assert.Equal(0.5, plan.RemovedShare);
        CollectedVideo b = Assert.Single(plan.Videos);
        Assert.Equal((VideoHash("b"), 2), (b.Hash, b.Clips));
        Assert.Equal([Set.Id], b.Partitions);
        Assert.Equal(before, Parts(cache, Set));
        Assert.Equal(4, cache.FinishedClips(Set).Count);

        CollectReport done = await cache.CollectAsync(keep, CancellationToken.None);
        Assert.Equal((plan.ClipsRemoved, plan.PartsDeleted, plan.PartsRewritten), (done.ClipsRemoved, done.PartsDeleted, done.PartsRewritten));
        Assert.Equal(0, cache.PlanCollect(keep).ClipsRemoved);
    }
}
