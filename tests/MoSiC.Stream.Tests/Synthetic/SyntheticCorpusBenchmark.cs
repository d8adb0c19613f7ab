using System.Diagnostics;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Synthetic;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Synthetic;

/// <summary>
/// Generation speed of the default corpus (8 videos × 48 frames × 320×240). Opt-in, as it is a
/// measurement rather than a check: MOSIC_SYNTH_BENCH=1 dotnet test --filter FullyQualifiedName~SyntheticCorpusBenchmark
/// </summary>
public sealed class SyntheticCorpusBenchmark(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Default_corpus_generation_time()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("MOSIC_SYNTH_BENCH") == "1", "set MOSIC_SYNTH_BENCH=1 to measure");
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string root = Path.Combine(Path.GetTempPath(), $"mosic-synth-bench-{Guid.NewGuid():N}");
        try
        {
            foreach (int parallelism in new[] { 1, 2 })
            {
                var options = new SynthOptions { Parallelism = parallelism };
                var clock = Stopwatch.StartNew();
                await SyntheticCorpus.GenerateAsync(options, Path.Combine(root, $"p{parallelism}"), null, CancellationToken.None);
                output.WriteLine($"parallelism {parallelism}: {clock.Elapsed.TotalSeconds:F2} s for {options.Videos} videos x {options.Frames} frames x {options.Width}x{options.Height}");
            }

            var video = SyntheticVideo.Create(new SynthOptions(), 0);
            var (rgb, labels) = (new byte[320 * 240 * 3], new byte[320 * 240]);
            var render = Stopwatch.StartNew();
            for (int t = 0; t < video.Frames; t++)
            {
                video.RenderFrame(t, rgb, labels);
            }

            output.WriteLine($"render only: {render.Elapsed.TotalMilliseconds / video.Frames:F2} ms per frame");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
