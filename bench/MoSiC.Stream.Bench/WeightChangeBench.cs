using System.Globalization;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench weight-change</c>: how far a trained backbone moved from its random initialisation (the one
/// <c>MosicTrainer</c> and <c>eval</c> build from the same seed), per block: ‖W − W₀‖ / ‖W₀‖ over the block's parameters.
/// A diagnostic for "training did not change the eval": if the backbone barely moved, the frozen features cannot have.
/// </summary>
internal static class WeightChangeBench
{
    public const string Usage =
        """
        usage: mosic-bench weight-change --checkpoint PTH [--model M] [--seed S] [--from PTH0]

          --checkpoint PTH  trained backbone (student-backbone.pth / .safetensors)
          --model M         ViT configuration of the random init (default tiny)
          --seed S          seed of the random init (default 0: trainer.seed of the run)
          --from PTH0       the backbone training started from (trainer.init), instead of the random init
        """;

    private sealed record Options(string? Checkpoint, string Model, long Seed, string? From = null);

    public static int Run(string[] args)
    {
        if (!BenchSupport.TryParse("weight-change", Usage, () => Parse(args), out Options o)) return 2;
        TorchRuntime.EnsureLoaded();
        var config = VitConfig.FromName(o.Model);
        manual_seed(o.Seed);
        using var init = new DinoVisionTransformer(config);
        if (o.From is not null) VitCheckpointLoader.Load(init, o.From);
        manual_seed(o.Seed);
        using var trained = new DinoVisionTransformer(config);
        VitCheckpointLoader.Load(trained, o.Checkpoint!);
        var before = init.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        // Group by the block (blocks.N) or the top-level name (patch_embed, pos_embed, cls_token, norm).
        var groups = trained.named_parameters()
            .GroupBy(p => p.name.StartsWith("blocks.", StringComparison.Ordinal) ? string.Join('.', p.name.Split('.').Take(2)) : p.name.Split('.')[0]);
        Console.WriteLine($"{"group",-16} {"|W0|",10} {"|W-W0|",10} {"relative",10}");
        using var noGrad = no_grad();
        foreach (var g in groups)
        {
            double norm0 = 0, delta = 0;
            foreach (var (name, w) in g)
            {
                using var w0 = before[name].to(ScalarType.Float64);
                using var w1 = w.to(ScalarType.Float64);
                norm0 += w0.square().sum().item<double>();
                using var d = w1 - w0;
                delta += d.square().sum().item<double>();
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g.Key,-16} {Math.Sqrt(norm0),10:G4} {Math.Sqrt(delta),10:G4} {(norm0 > 0 ? Math.Sqrt(delta / norm0) : double.NaN),10:P3}"));
        }
        return 0;
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, "tiny", 0), (given, name, value) => name switch
        {
            "--checkpoint" => given with { Checkpoint = value },
            "--model" => given with { Model = value },
            "--seed" => given with { Seed = long.Parse(value, CultureInfo.InvariantCulture) },
            "--from" => given with { From = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });
        if (o.Checkpoint is null) throw new ArgumentException("--checkpoint is required");
        VitConfig.FromName(o.Model);
        return o;
    }
}
