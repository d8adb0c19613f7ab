using System.Text;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// A checkpoint's tensors do not fit the model. One exception lists every problem at once (missing, unexpected and
/// wrong-shaped names, with shapes), so a wrong file or a wrong config is diagnosed in one run.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception and its listing message.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="modelName">The configuration the file was loaded into.</param>
    /// <param name="missing">Model parameters the file lacks, with the model's shapes.</param>
    /// <param name="unexpected">File tensors the model has no parameter for, with the file's shapes.</param>
    /// <param name="wrongShape">Names present on both sides with different shapes.</param>
    public CheckpointMismatchException(
        string path,
        string modelName,
        IReadOnlyList<(string Name, long[] Shape)> missing,
        IReadOnlyList<(string Name, long[] Shape)> unexpected,
        IReadOnlyList<(string Name, long[] FileShape, long[] ModelShape)> wrongShape)
        : base(Describe(path, modelName, missing, unexpected, wrongShape))
    {
        Path = path;
        Missing = missing;
        Unexpected = unexpected;
        WrongShape = wrongShape;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Model parameters absent from the file.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Missing { get; }

    /// <summary>File tensors (after prefix stripping) that the model does not have.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Unexpected { get; }

    /// <summary>Tensors whose shapes differ between file and model.</summary>
    public IReadOnlyList<(string Name, long[] FileShape, long[] ModelShape)> WrongShape { get; }

    internal static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Describe(
        string path,
        string modelName,
        IReadOnlyList<(string Name, long[] Shape)> missing,
        IReadOnlyList<(string Name, long[] Shape)> unexpected,
        IReadOnlyList<(string Name, long[] FileShape, long[] ModelShape)> wrongShape)
    {
        var sb = new StringBuilder();
        sb.Append($"checkpoint '{path}' does not fit ViT config '{modelName}':");
        sb.Append($"\n  missing ({missing.Count}):");
        foreach (var (n, s) in missing)
            sb.Append($"\n    {n} {Shape(s)}");
        sb.Append($"\n  unexpected ({unexpected.Count}):");
        foreach (var (n, s) in unexpected)
            sb.Append($"\n    {n} {Shape(s)}");
        sb.Append($"\n  wrong shape ({wrongShape.Count}):");
        foreach (var (n, f, m) in wrongShape)
            sb.Append($"\n    {n}: file {Shape(f)}, model {Shape(m)}");
        return sb.ToString();
    }
}
