namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// A struct in Thrift's compact protocol, read without a schema: field id → value, where a value is a <see cref="long"/>
/// (every integer type), <see cref="bool"/>, <see cref="double"/>, <see cref="ReadOnlyMemory{T}"/> of bytes (binary and
/// strings), a <see cref="List{T}"/> of values (lists, sets, and maps as key, value, key, …) or a nested struct.
/// </summary>
internal sealed class ThriftStruct
{
    public Dictionary<short, object> Fields { get; } = [];

    /// <summary>Where each field's value lies in the bytes read (from after its field header to its end): for messages, and for tests that patch one.</summary>
    public Dictionary<short, (int Start, int End)> Spans { get; } = [];

    public long? Long(short id) => Fields.TryGetValue(id, out object? v) && v is long l ? l : null;

    public ThriftStruct? Struct(short id) => Fields.TryGetValue(id, out object? v) ? v as ThriftStruct : null;

    public List<object> List(short id) => Fields.TryGetValue(id, out object? v) && v is List<object> l ? l : [];

    public bool Has(short id) => Fields.ContainsKey(id);
}
