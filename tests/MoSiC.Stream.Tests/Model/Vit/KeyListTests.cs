using System.Text.Json;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

/// <summary>Our state-dict names, order and shapes equal the official hub models' (vits14, vitb14, vits14_reg).</summary>
public class KeyListTests
{
    [SkippableTheory]
    [InlineData("vits14_keys.json", "vits14")]
    [InlineData("vitb14_keys.json", "vitb14")]
    [InlineData("vits14_reg_keys.json", "vits14_reg4")]
    public void StateDictMatchesOfficialKeyList(string file, string config)
    {
        string path = Golden.Require("dinov2/" + file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var expected = doc.RootElement.GetProperty("keys").EnumerateArray()
            .Select(k => $"{k.GetProperty("name").GetString()} [{string.Join(", ", k.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()))}]")
            .ToList();

        using var model = new DinoVisionTransformer(VitConfig.FromName(config));
        var actual = model.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(doc.RootElement.GetProperty("num_elements").GetInt64(), model.parameters().Sum(p => p.numel()));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }
}
