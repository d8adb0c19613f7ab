namespace MoSiC.Stream.Synthetic;

/// <summary>Whole-file writes that readers see either complete or not at all.</summary>
internal static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    public static void WriteAllBytes(string path, byte[] content)
    {
        string temporary = path + TemporarySuffix;
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
