using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Tensors read from one checkpoint file, by name, in file order. Owns the tensors: disposing it disposes them.
/// </summary>
public sealed class StateDict : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    private readonly List<string> _order;

    internal StateDict(string source, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        Source = source;
        _tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        _order = [];
        foreach (var (name, tensor) in tensors)
        {
            if (!_tensors.TryAdd(name, tensor))
                throw new InvalidDataException($"{source}: tensor '{name}' appears twice");
            _order.Add(name);
        }
    }

    /// <summary>The file the tensors came from (used in error messages).</summary>
    public string Source { get; }

    /// <summary>Tensor names in file order.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>Number of tensors.</summary>
    public int Count => _order.Count;

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public Tensor this[string name] => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"{Source}: no tensor '{name}'");

    /// <summary>Looks up a tensor without throwing.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="tensor">The tensor when found.</param>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor tensor) =>
        _tensors.TryGetValue(name, out tensor);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _tensors.Values)
            t.Dispose();
        _tensors.Clear();
        _order.Clear();
    }
}
