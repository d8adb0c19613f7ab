using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.CoTracker;

namespace MoSiC.Stream.Stages.Track.CoTracker;

/// <summary>
/// The CoTracker3 weights file (<c>tracker.weights</c>): checked before any work, so a wrong path or a wrong file
/// fails the run at once with a message that names the file, the problem and where the official weights are.
/// </summary>
public static class CoTrackerWeights
{
    /// <summary>Where users download the official checkpoints (never bundled: CC-BY-NC 4.0).</summary>
    public const string Source = "https://huggingface.co/facebook/cotracker3";

    /// <summary>The checkpoint each model variant expects.</summary>
    public static string ExpectedFile(string trackerName) =>
        trackerName.EndsWith("online", StringComparison.Ordinal) ? "scaled_online.pth" : "scaled_offline.pth";

    /// <summary>Checks that <paramref name="path"/> names an existing file; reads nothing.</summary>
    /// <exception cref="InvalidOperationException">No path, or no such file.</exception>
    public static string RequireFile(string? path, string trackerName)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException(Explain(trackerName, "(none)", "tracker.weights is not set"));
        if (!File.Exists(path))
            throw new InvalidOperationException(Explain(trackerName, path, "the file does not exist"));
        return Path.GetFullPath(path);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/> strictly (every tensor, every shape), turning a
    /// missing, unreadable or mismatched file into one <see cref="InvalidOperationException"/> that explains it.
    /// </summary>
    public static void Load(CoTrackerThreeOffline model, string? path, string trackerName)
    {
        string file = RequireFile(path, trackerName);
        try
        {
            CoTrackerCheckpointLoader.Load(model, file);
        }
        catch (CheckpointMismatchException e)
        {
            throw new InvalidOperationException(Explain(trackerName, file, $"its tensors do not fit the CoTracker3 model:\n{e.Message}"), e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(Explain(trackerName, file, $"it cannot be read as a PyTorch checkpoint: {e.Message}"), e);
        }
    }

    /// <summary>Reads and checks <paramref name="path"/> without keeping the model (the pre-flight check of a run).</summary>
    public static void Check(string? path, string trackerName)
    {
        // The online checkpoint has the same modules with a 16-frame time embedding.
        using var model = new CoTrackerThreeOffline(trackerName == CoTrackerTracker.OnlineName ? CoTrackerTracker.OnlineWindow : CoTrackerTracker.Window);
        Load(model, path, trackerName);
    }

    private static string Explain(string trackerName, string file, string problem) =>
        $"tracker \"{trackerName}\" needs the official CoTracker3 weights, but tracker.weights = {file}: {problem}. " +
        $"Download {ExpectedFile(trackerName)} from {Source} (CC-BY-NC 4.0, not bundled) and set tracker.weights in the pipeline to its path.";
}
