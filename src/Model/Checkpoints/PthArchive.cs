using System.IO.Compression;
using System.IO.Hashing;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// The zip archive <c>torch.save</c> writes (<c>&lt;name&gt;/data.pkl</c>, <c>&lt;name&gt;/data/&lt;key&gt;</c>, …), read
/// with every size checked before it is used: the pickle is at most <see cref="MaxPickleBytes"/> once inflated, all
/// tensor data together at most <see cref="MaxInflation"/> times the file's size (or <see cref="InflationAllowance"/>,
/// whichever is larger: <c>torch.save</c> stores tensor data uncompressed, TorchSharp.PyBridge deflates it, and weights
/// barely compress, so only a zip bomb comes near), and every entry read must match its zip CRC-32.
/// </summary>
internal sealed class PthArchive : IDisposable
{
    /// <summary>The largest <c>data.pkl</c> read (a ViT-g state dict's is about 50 KB).</summary>
    public const long MaxPickleBytes = 64L << 20;

    /// <summary>How many times its file's size a checkpoint's tensor data may inflate to.</summary>
    public const int MaxInflation = 16;

    /// <summary>Tensor data any file may inflate to, whatever its size (small files of zeros are honest too).</summary>
    public const long InflationAllowance = 64L << 20;

    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly string _prefix;
    private long _tensorBytes;

    private PthArchive(string path, FileStream file, ZipArchive zip, ZipArchiveEntry pickle)
    {
        (Path, _file, _zip, Pickle) = (path, file, zip, pickle);
        _prefix = pickle.FullName[..^"data.pkl".Length];
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The <c>data.pkl</c> entry.</summary>
    public ZipArchiveEntry Pickle { get; }

    /// <summary>Opens <paramref name="path"/> and finds its one <c>data.pkl</c>.</summary>
    /// <exception cref="InvalidDataException">Not a regular file, not a zip (a legacy pickle is named as one), or not a torch.save archive.</exception>
    public static PthArchive Open(string path)
    {
        if (FileKinds.Of(path) is not FileKind.Regular and var kind)
            throw new InvalidDataException($"{path}: {ConfinedFolder.Describe(kind)}, not a checkpoint file");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            int first = file.ReadByte();
            file.Position = 0;
            if (first == 0x80)
                throw new InvalidDataException($"{path}: a legacy torch.save file (a bare pickle, written by PyTorch before 1.6 or with _use_new_zipfile_serialization=False), which this reader does not read; re-save it in PyTorch: torch.save(torch.load(path), path)");
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path}: not a torch.save zip archive ({e.Message})", e);
            }

            ZipArchiveEntry[] pickles = zip.Entries.Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).Take(2).ToArray();
            if (pickles.Length != 1)
            {
                zip.Dispose();
                throw new InvalidDataException($"{path}: a zip archive with {(pickles.Length == 0 ? "no" : "more than one")} data.pkl, not a torch.save checkpoint");
            }

            var archive = new PthArchive(path, file, zip, pickles[0]);
            archive.CheckByteOrder();
            return archive;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of <c>data.pkl</c>, inflated, length- and CRC-checked.</summary>
    public byte[] ReadPickle()
    {
        if (Pickle.Length > MaxPickleBytes)
            throw new InvalidDataException($"{Path}: {Pickle.FullName} is {Pickle.Length} bytes, more than the {MaxPickleBytes} a checkpoint's pickle may have");
        var bytes = new byte[Pickle.Length];
        Read(Pickle, bytes);
        return bytes;
    }

    /// <summary>
    /// Checks, before anything is allocated, that storage <paramref name="key"/>'s entry holds <paramref name="bytes"/>
    /// and that with every storage reserved before it stays within the inflation budget.
    /// </summary>
    public void Reserve(string key, long bytes)
    {
        ZipArchiveEntry entry = Storage(key);
        if (entry.Length != bytes)
            throw new InvalidDataException($"{Path}: {entry.FullName} holds {entry.Length} bytes, its tensors' storage needs {bytes}");
        long budget = Math.Max(InflationAllowance, _file.Length * MaxInflation);
        _tensorBytes = checked(_tensorBytes + bytes);
        if (_tensorBytes > budget)
            throw new InvalidDataException($"{Path}: its tensors inflate to more than {budget} bytes ({MaxInflation}× the file's {_file.Length}, at least {InflationAllowance}): a zip bomb, not a checkpoint");
    }

    /// <summary>Reads storage <paramref name="key"/> into <paramref name="into"/> (its exact size, reserved first), checking its CRC.</summary>
    public void ReadStorage(string key, Span<byte> into) => Read(Storage(key), into);

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }

    private ZipArchiveEntry Storage(string key) =>
        _zip.GetEntry($"{_prefix}data/{key}") ?? throw new InvalidDataException($"{Path}: the pickle names storage '{key}', but the archive has no {_prefix}data/{key}");

    // Exactly entry.Length bytes, no more, then the zip's CRC-32 over them: a flipped bit in a tensor is an error, not a weight.
    private void Read(ZipArchiveEntry entry, Span<byte> into)
    {
        try
        {
            using System.IO.Stream stream = entry.Open();
            stream.ReadExactly(into);
            if (stream.ReadByte() >= 0) throw new InvalidDataException($"{Path}: {entry.FullName} holds more than the {entry.Length} bytes its header says");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{Path}: {entry.FullName} is shorter than the {entry.Length} bytes its header says (a cut file?)", e);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"{Path}: {entry.FullName} cannot be read ({e.Message})", e);
        }

        uint crc = Crc32.HashToUInt32(into);
        if (crc != entry.Crc32)
            throw new InvalidDataException($"{Path}: {entry.FullName} fails its CRC-32 check (0x{crc:x8}, the archive says 0x{entry.Crc32:x8}): the file is damaged");
    }

    private void CheckByteOrder()
    {
        if (_zip.GetEntry(_prefix + "byteorder") is not { } order) return; // written since PyTorch 2.1; older files are little-endian
        if (order.Length > 16) throw new InvalidDataException($"{Path}: {order.FullName} is {order.Length} bytes, not 'little' or 'big'");
        var bytes = new byte[order.Length];
        Read(order, bytes);
        if (System.Text.Encoding.ASCII.GetString(bytes) != "little")
            throw new InvalidDataException($"{Path}: tensors stored {System.Text.Encoding.ASCII.GetString(bytes)}-endian; only little-endian checkpoints are read");
    }
}
