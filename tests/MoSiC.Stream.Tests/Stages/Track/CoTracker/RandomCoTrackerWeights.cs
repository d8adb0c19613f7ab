using MoSiC.Stream.Model.CoTracker;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Stages.Track.CoTracker;

/// <summary>
/// A freshly initialised CoTracker3 offline model saved as a <c>torch.save</c> state dict: the file format of
/// <c>scaled_offline.pth</c> with random weights, so the tracker stage runs without the licensed checkpoint.
/// </summary>
internal static class RandomCoTrackerWeights
{
    /// <summary>Writes the state dict of a model initialised from <paramref name="seed"/> to <paramref name="path"/>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="seed">LibTorch seed; different seeds give different files.</param>
    /// <param name="underModel">Wrap the tensors as <c>{"model": …}</c> (names prefixed <c>model.</c>), as some releases do.</param>
    /// <param name="window">Time-embedding length: 60 for the offline model, 16 for the online one.</param>
    public static string Write(string path, int seed, bool underModel = false, int window = 60)
    {
        manual_seed(seed);
        using var model = new CoTrackerThreeOffline(window);
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
            dict[(underModel ? "model." : "") + name] = tensor;
        using (var stream = File.Create(path))
            PyTorchPickler.PickleStateDict(stream, dict);
        return path;
    }
}
