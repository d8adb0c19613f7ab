using System.IO.Compression;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Checkpoints;

/// <summary>
/// Seeded fuzzing of the checkpoint formats we read from others (issue #19, item 6): safetensors and .pth, mutated as
/// files and (for .pth) as the pickle inside a well-formed zip. Every case reads or ends as an
/// <see cref="InvalidDataException"/>, in bounded time and memory.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class CheckpointFuzzTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public CheckpointFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    public void Dispose() => _dir.Dispose();

    private static string Read(string path)
    {
        try
        {
            using StateDict state = CheckpointFile.Read(path);
            return $"read {state.Count} tensors";
        }
        catch (InvalidDataException e)
        {
            return Fuzz.Label(e);
        }
    }

    [Fact]
    public async Task Safetensors_files()
    {
        string path = _dir.File("honest.safetensors");
        using (var a = arange(60, dtype: ScalarType.Float32).reshape(3, 4, 5))
        using (var b = ones(7, dtype: ScalarType.Int64))
        using (var c = zeros(2, 2, dtype: ScalarType.Float16))
            SafetensorsWriter.Write(path, [("a", a), ("b", b), ("c", c)], new Dictionary<string, string> { ["format"] = "pt" });
        byte[] honest = File.ReadAllBytes(path);
        string target = _dir.File("case.safetensors");
        await Fuzz.RunAsync(_output, "safetensors", Fuzz.Cases(300), (random, _) =>
        {
            // Most cases hit the header (the JSON and its length), where the lies are.
            File.WriteAllBytes(target, random.Next(4) == 0 ? Fuzz.Mutate(honest, random) : MutateHeader(honest, random));
            return Task.FromResult(Read(target));
        });
    }

    [Fact]
    public async Task Pth_files()
    {
        var pickle = new PickleBytes().Proto().Dict().Mark()
            .Str("model").Global("collections", "OrderedDict").Op((byte)')').Reduce().Mark()
            .Str("w").Tensor("0", "FloatStorage", 6, [2, 3], [3, 1]).Put(7)
            .Str("b").Tensor("1", "HalfStorage", 2, [2], [1]).SetItems()
            .Str("epoch").Int(3).Str("tied").Get(7).SetItems().Stop().ToArray();
        (string, byte[])[] storages = [("0", new byte[24]), ("1", new byte[4])];
        string honest = _dir.File("honest.pth");
        PickleBytes.Zip(honest, pickle, storages);
        Assert.StartsWith("read", Read(honest));
        byte[] file = File.ReadAllBytes(honest);
        string target = _dir.File("case.pth");
        await Fuzz.RunAsync(_output, ".pth", Fuzz.Cases(300), (random, _) =>
        {
            // Half the cases mutate the pickle inside a well-formed zip (CRCs right), where the unpickler is on trial.
            if (random.Next(2) == 0) PickleBytes.Zip(target, Fuzz.Mutate(pickle, random, from: 2), storages, CompressionLevel.NoCompression, random.Next(2) == 0 ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            else File.WriteAllBytes(target, Fuzz.Mutate(file, random));
            return Task.FromResult(Read(target));
        });
    }

    // A mutation inside the 8-byte length and the JSON header, the rest of the file kept.
    private static byte[] MutateHeader(byte[] honest, Random random)
    {
        int headerEnd = 8 + (int)BitConverter.ToUInt64(honest, 0);
        byte[] header = Fuzz.Mutate(honest[..headerEnd], random);
        return [.. header, .. honest[headerEnd..]];
    }
}
