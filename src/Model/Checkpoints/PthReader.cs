using System.Globalization;
using MoSiC.Stream.Model.Checkpoints.Pickle;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Reads <c>torch.save</c> zip checkpoints holding a state dict (the official DINOv2 <c>*_pretrain.pth</c> format).
/// Nested dictionaries (e.g. <c>{"model": {...}}</c>, <c>{"state_dict": {...}}</c>) are flattened with dotted names so
/// the key mapper can strip them as prefixes; non-tensor entries are skipped. The file is untrusted input: the archive
/// is read with its sizes and CRCs checked (<see cref="PthArchive"/>), the pickle by our own bounded unpickler that
/// never runs code (<see cref="PickleMachine"/>), the dict tree is at most <see cref="MaxDepth"/> deep and may neither
/// contain itself nor share a dict between two names, and each storage is read once however many tensors view it.
/// </summary>
public static class PthReader
{
    /// <summary>The deepest nesting of dicts read (a state dict under one or two wrappers needs 3).</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU.</summary>
    /// <exception cref="InvalidDataException">The file is not a state dict we read; the message names the file and says why.</exception>
    public static StateDict Read(string path)
    {
        using PthArchive archive = PthArchive.Open(path);
        object root = PickleMachine.Load(archive.ReadPickle(), $"{path}: {archive.Pickle.FullName}");
        if (root is not PickleDict dict) throw new InvalidDataException($"{path}: the pickle holds {root.GetType().Name}, not a state dict");
        List<(string Name, TensorRef Tensor)> refs = Flatten(path, dict);
        // Hashtable-free and sorted: names and error listings are deterministic.
        refs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new StateDict(path, Materialize(archive, refs));
    }

    // Depth-first over the dict tree, without recursion; a dict met twice is a cycle or a shared reference, refused
    // either way (expanding it again is how a 1 KB pickle of shared children becomes an exponential walk).
    private static List<(string, TensorRef)> Flatten(string path, PickleDict root)
    {
        var tensors = new List<(string, TensorRef)>();
        var names = new Dictionary<PickleDict, string>(ReferenceEqualityComparer.Instance) { [root] = "" };
        var parents = new Dictionary<PickleDict, PickleDict>(ReferenceEqualityComparer.Instance);
        bool IsAncestor(PickleDict candidate, PickleDict? of)
        {
            for (; of is not null; of = parents.GetValueOrDefault(of))
            {
                if (ReferenceEquals(of, candidate)) return true;
            }

            return false;
        }

        var work = new Stack<(PickleDict Dict, string Prefix, int Depth)>();
        work.Push((root, "", 1));
        while (work.Count > 0)
        {
            (PickleDict dict, string prefix, int depth) = work.Pop();
            foreach ((object key, object value) in dict.Items)
            {
                string name = prefix + key switch
                {
                    string s => s,
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    _ => throw new InvalidDataException($"{path}: a dict under '{prefix}' has a key that is not a string or an integer"),
                };
                switch (value)
                {
                    case TensorRef tensor:
                        tensors.Add((name, tensor));
                        break;
                    case PickleDict nested:
                        if (names.TryGetValue(nested, out string? first))
                        {
                            throw new InvalidDataException(IsAncestor(nested, dict)
                                ? $"{path}: the dict at '{(first.Length == 0 ? "(root)" : first)}' contains itself (at '{name}'): not a state dict"
                                : $"{path}: one dict appears under two names ('{first}' and '{name}'): a state dict names each tensor once");
                        }

                        if (depth + 1 > MaxDepth) throw new InvalidDataException($"{path}: dicts nested deeper than {MaxDepth} levels (at '{name}'): not a state dict");
                        names[nested] = name;
                        parents[nested] = dict;
                        work.Push((nested, name + ".", depth + 1));
                        break;
                }
            }
        }

        return tensors;
    }

    // Each storage read once into a fresh tensor (its size reserved against the file first), then every tensor made a
    // view of it: ten tensors over one 400 MB storage cost 400 MB, not 4 GB.
    private static List<KeyValuePair<string, Tensor>> Materialize(PthArchive archive, List<(string Name, TensorRef Tensor)> refs)
    {
        var storages = new Dictionary<StorageRef, Tensor>();
        var result = new List<KeyValuePair<string, Tensor>>(refs.Count);
        try
        {
            foreach (StorageRef storage in refs.Select(r => r.Tensor.Storage).Distinct())
                archive.Reserve(storage.Key, checked(storage.Elements * TorchGlobals.ElementSize(storage.DType)));
            foreach (StorageRef storage in refs.Select(r => r.Tensor.Storage).Distinct())
            {
                Tensor data = empty([storage.Elements], storage.DType);
                storages[storage] = data;
                archive.ReadStorage(storage.Key, data.bytes);
            }

            foreach ((string name, TensorRef t) in refs) result.Add(new(name, storages[t.Storage].as_strided(t.Size, t.Stride, t.Offset)));
            return result;
        }
        catch
        {
            foreach (var (_, t) in result) t.Dispose();
            throw;
        }
        finally
        {
            // The views hold the storages alive; the base handles are not needed.
            foreach (Tensor data in storages.Values) data.Dispose();
        }
    }
}
