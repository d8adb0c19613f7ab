using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

/// <summary>The MoSiC objective's golden fixtures, through the same skip-when-absent and comparison helpers as the backbone's.</summary>
internal static class GoldenFiles
{
    public static SafetensorsReader OpenMosic(string file) => SafetensorsReader.Open(Golden.Require($"mosic/{file}"));

    public static double MaxAbsDiff(Tensor a, Tensor b) => Golden.MaxAbsDiff(a, b);
}
