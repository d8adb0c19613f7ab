using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MoSiC.Stream.Model.Checkpoints.Pickle;

/// <summary>
/// A bounded, restricted unpickler for the <c>data.pkl</c> of a <c>torch.save</c> archive. It understands the binary
/// opcodes of protocols 2 to 4 that carry plain data (ints, floats, strings, bytes, tuples, lists, dicts, the memo) plus
/// <c>GLOBAL</c>/<c>REDUCE</c>/<c>BUILD</c>/<c>BINPERSID</c> for the names in <see cref="TorchGlobals"/>, which it
/// interprets itself: nothing is imported, called or executed. Every length is checked against the bytes left before
/// it is used, and the values, memo entries and marks it holds are capped by <see cref="MaxValues"/>, so a tiny file
/// cannot take more than a bounded amount of memory or time. A shared reference (the memo) is the same object, never
/// a copy; cycles and sharing are the caller's to refuse (<see cref="PthReader"/> flattens with a depth limit).
/// </summary>
internal sealed class PickleMachine
{
    /// <summary>The most values (objects pushed, memo entries, marks) one pickle may hold; a ViT-g state dict needs about 25,000.</summary>
    public const int MaxValues = 1_000_000;

    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxDims = 32;

    private const int MaxGlobalName = 256;

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string _where;
    private readonly List<object> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object> _memo = [];
    private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);
    private int _pos, _opcode, _values;

    private PickleMachine(ReadOnlyMemory<byte> bytes, string where) => (_bytes, _where) = (bytes, where);

    /// <summary>The object <paramref name="pickle"/> describes; <paramref name="where"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Malformed, over a limit, or using an opcode or global we do not accept; the message says which and at what byte.</exception>
    public static object Load(ReadOnlyMemory<byte> pickle, string where) => new PickleMachine(pickle, where).Run();

    private object Run()
    {
        ReadOnlySpan<byte> data = _bytes.Span;
        while (true)
        {
            if (_pos >= data.Length) throw Bad("ends without a STOP opcode");
            _opcode = _pos;
            byte op = data[_pos++];
            switch (op)
            {
                case 0x80: Take(1); break; // PROTO
                case 0x95: Length(8); break; // FRAME: its length only groups the opcodes that follow
                case (byte)'.': return _stack.Count > 0 ? Pop() : throw Bad("STOP with nothing on the stack");
                case (byte)'(': Count(); _marks.Add(_stack.Count); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopToMark(); break;
                case (byte)'2': Push(Peek()); break;
                case (byte)'N': Push(PickleNone.Value); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)Take(1)[0]); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: Push(Long(Take(Length(1)))); break;
                case 0x8b: Push(Long(Take(Length(4)))); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(Length(4)))); break;
                case 0x8c: Push(Encoding.UTF8.GetString(Take(Length(1)))); break;
                case 0x8d: Push(Encoding.UTF8.GetString(Take(Length(8)))); break;
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(Length(1)))); break;
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(Length(4)))); break;
                case (byte)'C': Push(Take(Length(1)).ToArray()); break;
                case (byte)'B': Push(Take(Length(4)).ToArray()); break;
                case 0x8e: Push(Take(Length(8)).ToArray()); break;
                case (byte)')': Push(Array.Empty<object>()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { object b = Pop(), a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { object c = Pop(), b = Pop(), a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'t': Push(PopToMark().ToArray()); break;
                case (byte)']': Push(new List<object>()); break;
                case (byte)'l': Push(PopToMark()); break;
                case (byte)'a': { object v = Pop(); ListOnTop().Add(v); break; }
                case (byte)'e': { List<object> items = PopToMark(); ListOnTop().AddRange(items); break; }
                case (byte)'}': Push(new PickleDict()); break;
                case (byte)'d': { var d = new PickleDict(); AddPairs(d, PopToMark()); Push(d); break; }
                case (byte)'s': { object v = Pop(), k = Pop(); DictOnTop().Items.Add(new(k, v)); break; }
                case (byte)'u': { List<object> items = PopToMark(); AddPairs(DictOnTop(), items); break; }
                case (byte)'h': Push(Get(Take(1)[0])); break;
                case (byte)'j': Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;
                case (byte)'q': Put(Take(1)[0]); break;
                case (byte)'r': Put(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
                case 0x94: Put(_memo.Count); break; // MEMOIZE
                case (byte)'c': Push(Global(Line(), Line())); break;
                case 0x93: { string name = Text(Pop()), module = Text(Pop()); Push(Global(module, name)); break; }
                case (byte)'R': case 0x81: { object args = Pop(); Push(Reduce(Pop(), args)); break; } // REDUCE, NEWOBJ
                case (byte)'b': Build(Pop()); break;
                case (byte)'Q': Push(Persistent(Pop())); break;
                default: throw Bad($"opcode 0x{op:x2} ('{(op is >= 0x20 and < 0x7f ? (char)op : '?')}') is not one this reader accepts (it reads protocol 2-4 data, tensors and the globals {string.Join(", ", TorchGlobals.All)})");
            }
        }
    }

    private InvalidDataException Bad(string what) => new($"{_where}: at byte {_opcode}: {what}");

    private void Count()
    {
        if (++_values > MaxValues) throw Bad($"more than {MaxValues:N0} values, marks and memo entries: not a checkpoint's pickle");
    }

    private void Push(object value)
    {
        Count();
        _stack.Add(value);
    }

    private object Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1])) throw Bad("pops past the stack or its mark");
        object top = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object Peek() => _stack.Count > 0 ? _stack[^1] : throw Bad("reads an empty stack");

    private List<object> PopToMark()
    {
        int mark = PopMark();
        List<object> items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private int PopMark()
    {
        if (_marks.Count == 0) throw Bad("no MARK to pop to");
        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        if (mark > _stack.Count) throw Bad("its MARK lies above the stack");
        return mark;
    }

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _bytes.Length - _pos) throw Bad($"needs {n} bytes, {_bytes.Length - _pos} are left");
        ReadOnlySpan<byte> span = _bytes.Span.Slice(_pos, (int)n);
        _pos += (int)n;
        return span;
    }

    // A declared length, read as an unsigned number of `width` bytes and checked against what is left before any use.
    private long Length(int width)
    {
        ReadOnlySpan<byte> raw = Take(width);
        ulong n = width switch { 1 => raw[0], 4 => BinaryPrimitives.ReadUInt32LittleEndian(raw), _ => BinaryPrimitives.ReadUInt64LittleEndian(raw) };
        if (n > (ulong)(_bytes.Length - _pos)) throw Bad($"declares {n} bytes, only {_bytes.Length - _pos} are left");
        return (long)n;
    }

    private static object Long(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 8) return new PickleBigInt(raw.Length);
        long value = 0;
        for (int i = raw.Length - 1; i >= 0; i--) value = (value << 8) | raw[i];
        int unused = 64 - 8 * raw.Length;
        return raw.Length == 0 ? 0L : (value << unused) >> unused; // sign-extend two's complement
    }

    private string Line()
    {
        ReadOnlySpan<byte> rest = _bytes.Span[_pos..];
        int end = rest[..Math.Min(rest.Length, MaxGlobalName + 1)].IndexOf((byte)'\n');
        if (end < 0) throw Bad($"GLOBAL without a name line of at most {MaxGlobalName} characters");
        _pos += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    private string Text(object value) => value as string ?? throw Bad($"expected a string, found {Describe(value)}");

    private PickleGlobal Global(string module, string name)
    {
        string qualified = $"{module}.{name}";
        if (!TorchGlobals.IsAllowed(qualified))
            throw Bad($"refers to the global '{Show(qualified)}', which this reader does not accept (it never imports or runs code; accepted: {string.Join(", ", TorchGlobals.All)})");
        return new PickleGlobal(module, name);
    }

    private object Get(long index) => _memo.TryGetValue(index, out object? value) ? value : throw Bad($"memo entry {index} was never stored");

    private void Put(long index)
    {
        Count();
        _memo[index] = Peek();
    }

    private List<object> ListOnTop() => Peek() as List<object> ?? throw Bad($"appends to {Describe(Peek())}, not a list");

    private PickleDict DictOnTop() => Peek() as PickleDict ?? throw Bad($"sets an item of {Describe(Peek())}, not a dict");

    private void AddPairs(PickleDict dict, List<object> items)
    {
        if (items.Count % 2 != 0) throw Bad("a dict from an odd number of items");
        for (int i = 0; i < items.Count; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
    }

    private object Reduce(object callable, object args)
    {
        if (callable is not PickleGlobal global) throw Bad($"calls {Describe(callable)}, not an accepted global");
        if (args is not object[] a) throw Bad($"calls {global} with {Describe(args)}, not a tuple of arguments");
        switch (global.ToString())
        {
            case TorchGlobals.OrderedDict:
                var dict = new PickleDict();
                if (a.Length > 1) throw Bad($"OrderedDict called with {a.Length} arguments");
                if (a.Length == 1)
                {
                    // OrderedDict(items): a list or tuple of (key, value) pairs, or another dict.
                    IEnumerable<object> pairs = a[0] switch
                    {
                        List<object> list => list,
                        object[] tuple => tuple,
                        PickleDict other => other.Items.Select(kv => (object)new[] { kv.Key, kv.Value }),
                        _ => throw Bad($"OrderedDict from {Describe(a[0])}"),
                    };
                    foreach (object pair in pairs)
                    {
                        if (pair is not object[] { Length: 2 } kv) throw Bad("OrderedDict from something other than (key, value) pairs");
                        dict.Items.Add(new(kv[0], kv[1]));
                    }
                }

                return dict;
            case TorchGlobals.RebuildTensor:
                return RebuildTensor(a);
            case TorchGlobals.RebuildParameter or TorchGlobals.RebuildParameterWithState:
                return a.Length >= 3 && a[0] is TensorRef data ? data : throw Bad($"{global} without a tensor as its first argument");
            default:
                throw Bad($"{global} is not called by a state dict's pickle");
        }
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private TensorRef RebuildTensor(object[] a)
    {
        if (a.Length is < 6 or > 7 || a[0] is not StorageRef storage || a[1] is not long offset || a[2] is not object[] size || a[3] is not object[] stride)
            throw Bad("_rebuild_tensor_v2 with arguments that are not (storage, offset, size, stride, requires_grad, hooks)");
        if (size.Length != stride.Length || size.Length > MaxDims) throw Bad($"a tensor of {size.Length} sizes and {stride.Length} strides (at most {MaxDims} dimensions)");
        long[] sizes = new long[size.Length], strides = new long[stride.Length];
        long last = offset, elements = 1;
        try
        {
            for (int i = 0; i < size.Length; i++)
            {
                if (size[i] is not long s || s < 0 || stride[i] is not long st || st < 0) throw Bad($"size or stride {i} of a tensor is not a non-negative integer");
                (sizes[i], strides[i]) = (s, st);
                elements = checked(elements * s);
                if (s > 0) last = checked(last + (s - 1) * st);
            }
        }
        catch (OverflowException)
        {
            throw Bad($"a tensor of sizes [{string.Join(", ", size)}] and strides [{string.Join(", ", stride)}] overflows 64 bits");
        }

        if (offset < 0 || offset > storage.Elements || (elements > 0 && last >= storage.Elements))
            throw Bad($"a tensor of sizes [{string.Join(", ", sizes)}], strides [{string.Join(", ", strides)}] at offset {offset} reaches element {last} of storage '{storage.Key}', which holds {storage.Elements}");
        return new TensorRef(storage, offset, sizes, strides);
    }

    private void Build(object state)
    {
        // OrderedDict's state is its attributes (a state dict's _metadata); a parameter's is its hooks: neither matters here.
        object target = Peek();
        if (target is not (PickleDict or TensorRef)) throw Bad($"BUILD of {Describe(target)}, which only a dict or a tensor may have");
        _ = state;
    }

    // ('storage', <storage type>, key, location, numel): the tensor bytes are the archive entry data/<key>.
    private StorageRef Persistent(object pid)
    {
        if (pid is not object[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal type || t[2] is not string key || t[3] is not string
            || t[4] is not long elements || elements < 0 || !TorchGlobals.Storages.TryGetValue(type.ToString(), out var dtype))
            throw Bad("a persistent id that is not ('storage', <storage type>, key, location, numel)");
        if (key.Length is 0 or > 64 || key.AsSpan().ContainsAnyExcept("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") || key is "." or "..")
            throw Bad($"a storage key '{Show(key)}' that is not a plain name");
        if (elements > long.MaxValue / 8) throw Bad($"storage '{key}' declares {elements} elements");
        var storage = new StorageRef(key, dtype, elements);
        if (_storages.TryGetValue(key, out StorageRef? known))
            return known == storage ? known : throw Bad($"storage '{key}' is declared twice, as {known.DType}×{known.Elements} and {dtype}×{elements}");
        _storages[key] = storage;
        return storage;
    }

    private static string Describe(object value) => value switch
    {
        PickleNone => "None",
        string => "a string",
        long or PickleBigInt => "an integer",
        double => "a float",
        bool => "a bool",
        byte[] => "bytes",
        object[] => "a tuple",
        List<object> => "a list",
        PickleDict => "a dict",
        PickleGlobal g => g.ToString(),
        StorageRef => "a storage",
        TensorRef => "a tensor",
        _ => value.GetType().Name,
    };

    private static string Show(string text) =>
        string.Concat(text.Take(120).Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : c.ToString()));
}
