using MoSiC.Stream.Model.Checkpoints;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// Loads an official CoTracker3 offline state dict (<c>scaled_offline.pth</c>, bare or under <c>"model"</c>) into a
/// <see cref="CoTrackerThreeOffline"/>, strictly: every parameter and the <c>time_emb</c> buffer must be present with
/// its shape and nothing else may be there, or a <see cref="CheckpointMismatchException"/> lists every problem and
/// nothing is changed. Tensors are cast to the model's dtype (fp16 files load as fp32).
/// </summary>
public static class CoTrackerCheckpointLoader
{
    private const string Anchor = "fnet.conv1.weight";

    /// <summary>Reads <paramref name="path"/> (.pth or .safetensors) and loads it into <paramref name="model"/>.</summary>
    /// <param name="model">Target model; overwritten in place.</param>
    /// <param name="path">Checkpoint file.</param>
    /// <returns>The number of tensors loaded.</returns>
    /// <exception cref="CheckpointMismatchException">Names or shapes do not fit; nothing was changed.</exception>
    public static int Load(CoTrackerThreeOffline model, string path)
    {
        using var state = CheckpointFile.Read(path);
        return Load(model, state);
    }

    /// <summary>Loads already-read tensors; see <see cref="Load(CoTrackerThreeOffline, string)"/>.</summary>
    /// <param name="model">Target model.</param>
    /// <param name="state">Tensors read from a checkpoint; not disposed here.</param>
    /// <returns>The number of tensors loaded.</returns>
    public static int Load(CoTrackerThreeOffline model, StateDict state)
    {
        string prefix = state.Names.Contains(Anchor, StringComparer.Ordinal) ? ""
            : state.Names.Contains("model." + Anchor, StringComparer.Ordinal) ? "model." : "";

        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unexpected = new List<(string, long[])>();
        foreach (string name in state.Names)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
                mapped[name[prefix.Length..]] = state[name];
            else
                unexpected.Add((name, state[name].shape));
        }

        var targets = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (b.name, b.buffer)))
            .ToList();
        var known = targets.Select(t => t.Item1).ToHashSet(StringComparer.Ordinal);
        var missing = new List<(string, long[])>();
        var wrongShape = new List<(string, long[], long[])>();
        foreach (var (name, t) in targets)
        {
            if (!mapped.TryGetValue(name, out var src))
                missing.Add((name, t.shape));
            else if (!src.shape.SequenceEqual(t.shape))
                wrongShape.Add((name, src.shape, t.shape));
        }
        unexpected.AddRange(mapped.Where(kv => !known.Contains(kv.Key)).Select(kv => (kv.Key, kv.Value.shape)));

        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
            throw new CheckpointMismatchException(state.Source, nameof(CoTrackerThreeOffline), missing, unexpected, wrongShape);

        using (no_grad())
        {
            foreach (var (name, t) in targets)
            {
                using var value = mapped[name].to(t.dtype, t.device);
                t.copy_(value);
            }
        }
        return targets.Count;
    }
}
