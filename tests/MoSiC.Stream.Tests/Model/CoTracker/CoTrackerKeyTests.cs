using System.Text.Json;
using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>CoTracker3 module tree vs the official state dict (golden cotracker3/keys.json) and strict loading.</summary>
public class CoTrackerKeyTests
{
    private static string Describe(string name, IEnumerable<long> shape) => $"{name} [{string.Join(", ", shape)}]";

    [SkippableFact]
    public void StateDictMatchesOfficialKeyList()
    {
        string path = Golden.Require("cotracker3/keys.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        string Entry(JsonElement k) => Describe(k.GetProperty("name").GetString()!, k.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()));
        var expectedParams = keys.Where(k => k.GetProperty("kind").GetString() == "parameter").Select(Entry).ToList();
        var expectedBuffers = keys.Where(k => k.GetProperty("kind").GetString() == "buffer").Select(Entry).ToList();

        using var model = new CoTrackerThreeOffline();
        // Parameters in PyTorch's order; the one buffer (time_emb) comes first in PyTorch's state_dict, last in
        // TorchSharp's, so buffers are compared on their own.
        Assert.Equal(expectedParams, model.named_parameters().Select(p => Describe(p.name, p.parameter.shape)).ToList());
        Assert.Equal(expectedBuffers, model.named_buffers().Select(b => Describe(b.name, b.buffer.shape)).ToList());
        Assert.Equal(doc.RootElement.GetProperty("num_tensors").GetInt32(), model.state_dict().Count);
        long elements = model.state_dict().Values.Sum(t => t.numel());
        Assert.Equal(doc.RootElement.GetProperty("num_elements").GetInt64(), elements);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [SkippableFact]
    public void Fp16StateDictLoadsStrictlyAsFloat32()
    {
        string path = Golden.Require("cotracker3/state_dict_fp16.pth");
        using var model = new CoTrackerThreeOffline();
        using var computedTimeEmb = model.named_buffers().Single(b => b.name == "time_emb").buffer.clone();

        int loaded = CoTrackerCheckpointLoader.Load(model, path);

        Assert.Equal(188, loaded);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var state = MoSiC.Stream.Model.Checkpoints.CheckpointFile.Read(path);
        foreach (var (name, p) in model.named_parameters())
        {
            using var expected = state[name].to(ScalarType.Float32);
            Assert.True(Golden.Same(p, expected), name);
        }
        // The stored buffer is the deterministic sin-cos table: ours must be the same.
        using var storedTimeEmb = state["time_emb"].to(ScalarType.Float32);
        Golden.AssertClose(computedTimeEmb, storedTimeEmb, 1e-6, "cotracker3 time_emb (computed vs stored)");
    }
}
