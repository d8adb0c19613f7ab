using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train.Persist;

/// <summary>
/// Writes a backbone's state dict under the official DINOv2 key names (<c>cls_token</c>, <c>pos_embed</c>,
/// <c>blocks.{i}.attn.qkv.weight</c>, …; our module names are those names), as PyTorch <c>.pth</c> or <c>.safetensors</c>.
/// </summary>
public static class BackboneExport
{
    /// <summary>The exported tensors: every parameter, CPU fp32, in registration (official) order.</summary>
    /// <param name="model">Backbone to export.</param>
    public static IReadOnlyList<(string Name, Tensor Tensor)> StateDict(DinoVisionTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.named_parameters().Select(p => (p.name, p.parameter.detach().cpu().to(ScalarType.Float32).contiguous())).ToList();
    }

    /// <summary>Writes a <c>torch.save</c>-compatible zip (loads with <c>torch.load</c> as a plain state dict), atomically; the same weights give the same bytes.</summary>
    /// <param name="model">Backbone to export.</param>
    /// <param name="path">Target file.</param>
    public static void WritePth(DinoVisionTransformer model, string path)
    {
        var tensors = StateDict(model);
        try
        {
            var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, tensor) in tensors) dict[name] = tensor;
            AtomicFile.Write(path, stream =>
            {
                PyTorchPickler.PickleStateDict(stream, dict, leaveOpen: true);
                ZipTimes.Clear(stream);
            });
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
    }

    /// <summary>Writes a <c>.safetensors</c> file, atomically.</summary>
    /// <param name="model">Backbone to export.</param>
    /// <param name="path">Target file.</param>
    public static void WriteSafetensors(DinoVisionTransformer model, string path)
    {
        var tensors = StateDict(model);
        try
        {
            SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["model"] = model.Config.Name });
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
    }
}
