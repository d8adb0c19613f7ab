using System.IO.Compression;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Checkpoints;

/// <summary>
/// The .pth reader on hostile files: each tiny file that once took gigabytes, a stack overflow or a hang ends as a
/// specific <see cref="InvalidDataException"/>, quickly and with bounded memory; honest files still read.
/// </summary>
public sealed class PthReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public PthReaderTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    private string Write(PickleBytes pickle, IEnumerable<(string, byte[])>? storages = null, CompressionLevel level = CompressionLevel.NoCompression, CompressionLevel pickleLevel = CompressionLevel.NoCompression)
    {
        string path = _dir.File($"f{Guid.NewGuid():N}.pth");
        PickleBytes.Zip(path, pickle.ToArray(), storages, level, pickleLevel);
        return path;
    }

    private static string Refused(string path)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(path));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Contains(path, e.Message);
        return e.Message;
    }

    [Fact]
    public void A_dict_that_contains_itself_is_refused_not_a_stack_overflow()
    {
        // d = {}; d['x'] = d (253 bytes did this to the old reader: a stack overflow that killed the process).
        var pickle = new PickleBytes().Proto().Dict().Put(0).Str("x").Get(0).SetItem().Stop();
        Assert.Contains("contains itself", Refused(Write(pickle)));
    }

    [Fact]
    public void Dicts_nested_100000_deep_are_refused_at_the_depth_limit()
    {
        var pickle = new PickleBytes().Proto().Dict();
        for (int i = 0; i < 100_000; i++) pickle.Str("k").Dict();
        for (int i = 0; i < 100_000; i++) pickle.SetItem();
        Assert.Contains($"nested deeper than {PthReader.MaxDepth}", Refused(Write(pickle.Stop(), pickleLevel: CompressionLevel.Optimal)));
    }

    [Fact]
    public void A_dag_of_shared_children_is_refused_without_expanding_it()
    {
        // 40 levels, each {'a': child, 'b': child}: 2^40 paths if expanded.
        var pickle = new PickleBytes().Proto().Dict().Put(0);
        for (uint i = 1; i <= 40; i++) pickle.Dict().Str("a").Get(i - 1).SetItem().Str("b").Get(i - 1).SetItem().Put(i);
        Assert.Contains("appears under two names", Refused(Write(pickle.Stop())));
    }

    [Theory]
    [InlineData((byte)'B')] // BINBYTES
    [InlineData((byte)'X')] // BINUNICODE
    [InlineData((byte)0x8b)] // LONG4
    public void A_declared_length_past_the_end_is_refused_before_allocating(byte opcode)
    {
        var pickle = new PickleBytes().Proto().Op(opcode, PickleBytes.Le(1u << 31)).Stop();
        Assert.Contains("declares 2147483648 bytes", Refused(Write(pickle)));
    }

    [Theory]
    [InlineData((byte)'(')] // MARK
    [InlineData((byte)']')] // EMPTY_LIST
    public void Millions_of_tiny_opcodes_hit_the_value_cap(byte opcode)
    {
        var pickle = new PickleBytes().Proto();
        for (int i = 0; i < 2_000_000; i++) pickle.Op(opcode);
        Assert.Contains("more than 1,000,000 values", Refused(Write(pickle.Stop(), pickleLevel: CompressionLevel.Optimal)));
    }

    [Fact]
    public void Globals_outside_the_list_are_refused_and_nothing_runs()
    {
        string marker = _dir.File("ran");
        var pickle = new PickleBytes().Proto().Global("posix", "system").Mark().Str($"touch {marker}").Tuple().Reduce().Stop();
        string message = Refused(Write(pickle));
        Assert.Contains("'posix.system'", message);
        Assert.Contains("never imports or runs code", message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_legacy_pickle_is_named_as_one()
    {
        string path = _dir.File("legacy.pth");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.']);
        Assert.Contains("a legacy torch.save file", Refused(path));
    }

    [Fact]
    public void A_view_past_its_storage_is_refused_before_torch_sees_it()
    {
        var pickle = new PickleBytes().Proto().Dict().Str("w").Tensor("0", "FloatStorage", 4, [10], [1]).SetItem().Stop();
        Assert.Contains("reaches element 9 of storage '0', which holds 4", Refused(Write(pickle, [("0", new byte[16])])));
    }

    [Fact]
    public void A_storage_shared_by_many_tensors_is_read_once_and_a_zip_bomb_is_refused_before_allocating()
    {
        PickleBytes SharedBy(int tensors, int elements)
        {
            var pickle = new PickleBytes().Proto().Dict().Mark();
            for (int i = 0; i < tensors; i++) pickle.Str($"w{i}").Tensor("0", "FloatStorage", elements, [elements], [1]);
            return pickle.SetItems().Stop();
        }

        using (StateDict state = CheckpointFile.Read(Write(SharedBy(10, 1 << 20), [("0", new byte[4 << 20])], CompressionLevel.Optimal)))
        {
            Assert.Equal(10, state.Count);
            state["w0"].fill_(1f);
            Assert.Equal(1f, state["w9"][12345].item<float>()); // one storage, ten views: nothing was copied ten times
        }

        // 128 MB of zeros deflated to about 128 KB: more than the file could honestly hold, so nothing is allocated for it.
        string bomb = Write(SharedBy(10, 32 << 20), [("0", new byte[128 << 20])], CompressionLevel.Optimal);
        Assert.True(new FileInfo(bomb).Length < 1 << 20);
        Assert.Contains("a zip bomb, not a checkpoint", Refused(bomb));
    }

    [Fact]
    public void A_flipped_bit_in_tensor_data_fails_the_zip_crc()
    {
        var pickle = new PickleBytes().Proto().Dict().Str("w").Tensor("0", "FloatStorage", 4, [4], [1]).SetItem().Stop();
        byte[] data = [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f), .. BitConverter.GetBytes(3f), .. BitConverter.GetBytes(4f)];
        string path = Write(pickle, [("0", data)]);
        using (StateDict ok = CheckpointFile.Read(path)) Assert.Equal(3f, ok["w"][2].item<float>());
        byte[] file = File.ReadAllBytes(path);
        int at = file.AsSpan().IndexOf(BitConverter.GetBytes(3f));
        file[at + 3] ^= 0x40;
        File.WriteAllBytes(path, file);
        Assert.Contains("fails its CRC-32 check", Refused(path));
    }

    [Fact]
    public void Honest_files_from_torch_read_with_tied_weights_and_nested_wrappers()
    {
        // What torch.save writes for {"model": OrderedDict(w=..., b=...), "tied": <the same w>}.
        var pickle = new PickleBytes().Proto().Dict().Mark()
            .Str("model").Global("collections", "OrderedDict").Op((byte)')').Reduce().Mark()
            .Str("w").Tensor("0", "FloatStorage", 6, [2, 3], [3, 1]).Put(7)
            .Str("b").Tensor("1", "HalfStorage", 2, [2], [1]).SetItems()
            .Str("epoch").Int(3).Str("tied").Get(7).SetItems().Stop();
        string path = Write(pickle, [("0", new byte[24]), ("1", new byte[4])]);
        using StateDict state = CheckpointFile.Read(path);
        Assert.Equal(["model.b", "model.w", "tied"], state.Names);
        Assert.Equal([2L, 3L], state["model.w"].shape);
        Assert.Equal(ScalarType.Float16, state["model.b"].dtype);
    }
}
