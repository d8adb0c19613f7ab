using System.Diagnostics;
using MoSiC.Stream.Storage.Cache.Claims;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>The claim file under the cache's video claims and the checkpoint folder's run lock.</summary>
public sealed class ClaimFileTests
{
    [Fact]
    public void A_live_holder_keeps_it_a_dead_one_loses_it_and_another_hosts_only_when_stale()
    {
        using var dir = new TempDir();
        string path = dir.File("x.lock");
        var clock = new WallClock { Now = DateTimeOffset.UtcNow };
        using (ClaimFile held = ClaimFile.TryTake(path, TimeSpan.FromMinutes(10), clock)!)
        {
            Assert.Equal((Environment.MachineName, Environment.ProcessId), (ClaimFile.HolderOf(path)!.Host, ClaimFile.HolderOf(path)!.Pid));
            Assert.Null(ClaimFile.TryTake(path, TimeSpan.FromMinutes(10), clock));
        }

        Assert.False(File.Exists(path));
        using (var gone = Process.Start("true")!)
        {
            gone.WaitForExit();
            File.WriteAllText(path, $"{Environment.MachineName}\n{gone.Id}\n{clock.GetUtcNow():O}\n");
        }

        using (ClaimFile? taken = ClaimFile.TryTake(path, TimeSpan.FromMinutes(10), clock)) Assert.NotNull(taken);

        // Another host cannot be asked: its claim counts until its time is older than the stale age, and a refresh renews it.
        File.WriteAllText(path, $"elsewhere\n1\n{clock.GetUtcNow():O}\n");
        clock.Now += TimeSpan.FromMinutes(9);
        Assert.Null(ClaimFile.TryTake(path, TimeSpan.FromMinutes(10), clock));
        clock.Now += TimeSpan.FromMinutes(2);
        using ClaimFile mine = ClaimFile.TryTake(path, TimeSpan.FromMinutes(10), clock)!;
        clock.Now += TimeSpan.FromMinutes(30);
        mine.Refresh();
        Assert.Equal(clock.GetUtcNow(), ClaimFile.HolderOf(path)!.Since);
    }
}

/// <summary>A wall clock that moves only when told.</summary>
internal sealed class WallClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
