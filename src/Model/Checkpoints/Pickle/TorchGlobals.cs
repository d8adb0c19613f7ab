using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints.Pickle;

/// <summary>
/// The only globals a checkpoint's pickle may name, and what each means to us. Python's unpickler would import and call
/// them; ours never imports or calls anything: <c>REDUCE</c> of one of these builds the matching plain value, and any
/// other name ends the read with its name. This is the whole list <c>torch.save</c> of a state dict needs.
/// </summary>
internal static class TorchGlobals
{
    public const string OrderedDict = "collections.OrderedDict";
    public const string RebuildTensor = "torch._utils._rebuild_tensor_v2";
    public const string RebuildParameter = "torch._utils._rebuild_parameter";
    public const string RebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";

    /// <summary>Legacy typed storages (what <c>torch.save</c> still writes) and their element types.</summary>
    public static readonly IReadOnlyDictionary<string, ScalarType> Storages = new Dictionary<string, ScalarType>(StringComparer.Ordinal)
    {
        ["torch.DoubleStorage"] = ScalarType.Float64,
        ["torch.FloatStorage"] = ScalarType.Float32,
        ["torch.HalfStorage"] = ScalarType.Float16,
        ["torch.BFloat16Storage"] = ScalarType.BFloat16,
        ["torch.LongStorage"] = ScalarType.Int64,
        ["torch.IntStorage"] = ScalarType.Int32,
        ["torch.ShortStorage"] = ScalarType.Int16,
        ["torch.CharStorage"] = ScalarType.Int8,
        ["torch.ByteStorage"] = ScalarType.Byte,
        ["torch.BoolStorage"] = ScalarType.Bool,
        ["torch.UntypedStorage"] = ScalarType.Byte,
    };

    /// <summary>Every accepted global, for messages and docs/security.md.</summary>
    public static IEnumerable<string> All => new[] { OrderedDict, RebuildTensor, RebuildParameter, RebuildParameterWithState }.Concat(Storages.Keys);

    public static bool IsAllowed(string qualified) => qualified is OrderedDict or RebuildTensor or RebuildParameter or RebuildParameterWithState || Storages.ContainsKey(qualified);

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
