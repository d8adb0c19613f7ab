using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Tests.Training;

public sealed class CheckpointFilesTests : IDisposable
{
    // No process has this id (Linux pids stay below 2^22).
    private const int DeadWriter = int.MaxValue - 1;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Abandoned_checkpoint_writes_are_removed_and_a_live_writers_file_is_left_alone()
    {
        string dead = _dir.File($".epoch-0001.ckpt.safetensors.tmp-{DeadWriter}-0a1b2c3d");
        string legacy = _dir.File($"step-00000040.ckpt.safetensors.tmp-{DeadWriter}-{Guid.NewGuid():N}");
        string live = AtomicFile.TempPathFor(CheckpointFiles.ForEpoch(_dir.Path, 2));
        string other = _dir.File($".train-log.csv.tmp-{DeadWriter}-0a1b2c3d");
        string checkpoint = CheckpointFiles.ForEpoch(_dir.Path, 1);
        foreach (string file in new[] { dead, legacy, live, other, checkpoint }) File.WriteAllBytes(file, [1]);

        Assert.Equal(2, CheckpointFiles.RemoveAbandonedWrites(_dir.Path));

        Assert.Equal(new[] { live, other, checkpoint }.Order(), Directory.GetFiles(_dir.Path).Order());
    }
}
