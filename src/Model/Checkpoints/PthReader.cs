using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Reads <c>torch.save</c> zip checkpoints holding a state dict (the official DINOv2 <c>*_pretrain.pth</c> format).
/// Nested dictionaries (e.g. <c>{"model": {...}}</c>, <c>{"state_dict": {...}}</c>) are flattened with dotted names so
/// the key mapper can strip them as prefixes; non-tensor entries are skipped.
/// </summary>
public static class PthReader
{
    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU.</summary>
    /// <exception cref="InvalidDataException">The file cannot be unpickled as a state dict.</exception>
    public static StateDict Read(string path)
    {
        Hashtable root;
        try
        {
            // TorchSharp.PyBridge's unpickler understands the zip layout, _rebuild_tensor_v2 and OrderedDict.
            root = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a readable torch.save state dict: {ex.Message}", ex);
        }
        var tensors = new List<KeyValuePair<string, Tensor>>();
        Flatten(root, "", tensors);
        // Hashtable loses file order; sorting makes names and error listings deterministic.
        tensors.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new StateDict(path, tensors);
    }

    private static void Flatten(IDictionary dict, string prefix, List<KeyValuePair<string, Tensor>> into)
    {
        foreach (DictionaryEntry e in dict)
        {
            string name = prefix + e.Key;
            switch (e.Value)
            {
                case Tensor t:
                    into.Add(new(name, t));
                    break;
                case IDictionary nested:
                    Flatten(nested, name + ".", into);
                    break;
            }
        }
    }
}
