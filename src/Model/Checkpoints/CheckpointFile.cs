using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>Opens a checkpoint by its content: zip (<c>torch.save</c>) or safetensors.</summary>
public static class CheckpointFile
{
    /// <summary>Reads all tensors of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is neither format, or is malformed.</exception>
    public static StateDict Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"checkpoint not found: {path}", path);
        if (FileKinds.Of(path) is not FileKind.Regular and var kind)
            throw new InvalidDataException($"{path}: {ConfinedFolder.Describe(kind)}, not a checkpoint file");
        // Sniff rather than trust the extension: released checkpoints get renamed freely.
        Span<byte> magic = stackalloc byte[4];
        using (var s = File.OpenRead(path))
        {
            if (s.Length < 8)
                throw new InvalidDataException($"{path}: {s.Length} bytes is too short for a checkpoint");
            s.ReadExactly(magic);
        }
        bool zip = magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] == 3 && magic[3] == 4;
        // 0x80 is a pickle's PROTO opcode: a legacy torch.save file, which the .pth reader names as such.
        return zip || magic[0] == 0x80 ? PthReader.Read(path) : SafetensorsReader.Read(path);
    }
}
