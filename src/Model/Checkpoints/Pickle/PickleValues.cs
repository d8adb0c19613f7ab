namespace MoSiC.Stream.Model.Checkpoints.Pickle;

/// <summary>
/// What <see cref="PickleMachine"/> builds: plain data only. Python's <c>None</c> is <see cref="PickleNone.Value"/>, ints
/// are <see cref="long"/> (or <see cref="PickleBigInt"/>), floats <see cref="double"/>, strings <see cref="string"/>, bytes
/// <c>byte[]</c>, tuples <c>object[]</c>, lists <see cref="List{T}"/> of object, dicts <see cref="PickleDict"/>; tensors
/// are <see cref="TensorRef"/> descriptions, materialised later from the archive. No value is ever called or executed.
/// </summary>
internal sealed class PickleNone
{
    public static readonly PickleNone Value = new();

    private PickleNone()
    {
    }
}

/// <summary>An integer too wide for 64 bits: kept only as its width (nothing we read needs its value).</summary>
internal sealed record PickleBigInt(int Bytes);

/// <summary>A dict (plain or <c>collections.OrderedDict</c>): its items in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object, object>> Items { get; } = [];
}

/// <summary>A name a <c>GLOBAL</c> opcode asked for, after it passed the allow-list (<see cref="TorchGlobals"/>).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A tensor storage the pickle refers to: the archive entry <c>data/&lt;Key&gt;</c> of <see cref="Elements"/> elements of <see cref="DType"/>.</summary>
internal sealed record StorageRef(string Key, TorchSharp.torch.ScalarType DType, long Elements);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage, checked to lie inside it.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);
