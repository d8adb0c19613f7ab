using MoSiC.Stream.Model.Objective;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

/// <summary>Sinkhorn-Knopp against mosic/sinkhorn.safetensors (golden README §3.3; Q atol 2e-6).</summary>
public class SinkhornParityTests(ITestOutputHelper output)
{
    private const double QTolerance = 2e-6;

    [SkippableTheory]
    [InlineData("scores", "Q", 0.05, 10)]
    [InlineData("scores_student", "Q_student", 0.05, 10)]
    [InlineData("scores", "Q_eps0.06_it3", 0.06, 3)]
    [InlineData("scores_small", "Q_small", 0.1, 5)]
    public void MatchesReference(string scoresKey, string qKey, double epsilon, int iterations)
    {
        var file = GoldenFiles.OpenMosic("sinkhorn.safetensors");
        using var scores = file.Load(scoresKey);
        using var expected = file.Load(qKey);
        using var q = SinkhornKnopp.Assign(scores, epsilon, iterations);
        double err = GoldenFiles.MaxAbsDiff(q, expected);
        output.WriteLine($"{qKey}: max abs error {err:E2} (atol {QTolerance:E0})");
        Assert.True(err <= QTolerance, $"{qKey}: max |Q - golden| = {err:E2} > {QTolerance:E0}");
    }

    [SkippableFact]
    public void MetadataRecordsTheReferenceSettings()
    {
        var file = GoldenFiles.OpenMosic("sinkhorn.safetensors");
        Assert.Equal("fed4637bdac1982910d28f10d4f1fa4b8a9e67bd", file.Metadata["commit"]);
        Assert.Equal(ScalarType.Float32, file.Entry("Q").DType);
        Assert.Equal(new long[] { 128, 10 }, file.Entry("Q").Shape);
    }
}
