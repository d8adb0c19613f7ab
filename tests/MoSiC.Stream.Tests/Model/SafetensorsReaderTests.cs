using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

public class SafetensorsReaderTests
{
    [SkippableFact]
    public void ReadsEveryFixtureDtypeWithItsShape()
    {
        var loss = GoldenFiles.OpenMosic("loss.safetensors");
        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Int64, loss.Load("hard_labels").dtype);
        Assert.Equal(ScalarType.Bool, loss.Load("visibility").dtype);
        Assert.Empty(loss.Load("loss_hard").shape);
        Assert.InRange(loss.Load("hard_labels").max().item<long>(), 0, 9);

        string video = Path.Combine(RepoPaths.Golden, "cotracker3", "io.safetensors");
        Skip.IfNot(File.Exists(video), "cotracker3 fixtures absent");
        var io = SafetensorsReader.Open(video);
        Tensor u8 = io.Load("video");
        Assert.Equal(ScalarType.Byte, u8.dtype);
        Assert.Equal(new long[] { 1, 8, 3, 384, 512 }, u8.shape);
        Assert.True(u8.to(ScalarType.Int32).max().item<int>() > 128);
        Tensor f16 = io.Load("fnet_out_frames01_f16");
        Assert.Equal(ScalarType.Float16, f16.dtype);
        Assert.InRange(f16.to(ScalarType.Float32).abs().max().item<float>(), 1f, 100f); // README: max abs 27
    }

    [Fact]
    public void RejectsATruncatedFile()
    {
        TorchRuntime.EnsureLoaded();
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']);
            Assert.Throws<InvalidDataException>(() => SafetensorsReader.Open(path));
        }
        finally { File.Delete(path); }
    }
}
