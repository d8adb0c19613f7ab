using System.Text;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Model.Checkpoints;

/// <summary>Safetensors headers written by someone else: each lie ends as a specific message before any tensor is allocated.</summary>
public sealed class SafetensorsHeaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public SafetensorsHeaderTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    /// <summary>A file with <paramref name="header"/> (JSON text) and <paramref name="dataBytes"/> zero bytes of data.</summary>
    internal static byte[] File(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]];
    }

    private string Refused(string header, int dataBytes)
    {
        string path = _dir.File($"f{Guid.NewGuid():N}.safetensors");
        System.IO.File.WriteAllBytes(path, File(header, dataBytes));
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Read(path));
        Assert.Contains(path, e.Message);
        return e.Message;
    }

    [Fact]
    public void A_duplicate_name_is_refused()
    {
        Assert.Contains("'w' appears twice", Refused("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8));
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_is_refused()
    {
        // 2^62 × 4 × 4 bytes wraps to 0 in unchecked arithmetic, which matched the empty range.
        Assert.Contains("more bytes than 64 bits count", Refused("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}""", 0));
    }

    [Fact]
    public void Overlapping_ranges_are_refused_however_many_names_share_them()
    {
        var header = new StringBuilder("{");
        for (int i = 0; i < 500; i++) header.Append(i > 0 ? "," : "").Append($$"""
            "w{{i}}":{"dtype":"F32","shape":[1024],"data_offsets":[0,4096]}
            """);
        Assert.Contains("overlap", Refused(header.Append('}').ToString(), 4096));
        Assert.Contains("overlap", Refused("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12));
    }

    [Fact]
    public void Negative_dimensions_and_too_many_of_them_are_refused()
    {
        Assert.Contains("negative dimension", Refused("""{"w":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}""", 16));
        string ones = string.Join(',', Enumerable.Repeat(1, 40));
        Assert.Contains("dimensions (at most 32)", Refused("{\"w\":{\"dtype\":\"U8\",\"shape\":[" + ones + "],\"data_offsets\":[0,1]}}", 1));
    }

    [Fact]
    public void A_pipe_is_not_opened()
    {
        string fifo = SpecialFiles.Fifo(_dir.File("pipe.safetensors"));
        Assert.Contains("a named pipe", Assert.Throws<InvalidDataException>(() => SafetensorsReader.Open(fifo)).Message);
    }
}
