using System.CommandLine;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Synthetic;
using MoSiC.Stream.Synthetic.Hostile;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream synth</c>: renders a deterministic synthetic corpus with ground truth (masks, point tracks).</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var defaults = new SynthOptions();
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var videos = new Option<int>("--videos") { Description = "Number of videos.", DefaultValueFactory = _ => defaults.Videos };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same corpus, byte for byte.", DefaultValueFactory = _ => defaults.Seed };
        var frames = new Option<int>("--frames") { Description = "Frames per video.", DefaultValueFactory = _ => defaults.Frames };
        var width = new Option<int>("--width") { Description = "Frame width (even).", DefaultValueFactory = _ => defaults.Width };
        var height = new Option<int>("--height") { Description = "Frame height (even).", DefaultValueFactory = _ => defaults.Height };
        var fps = new Option<int>("--fps") { Description = "Frame rate.", DefaultValueFactory = _ => defaults.Fps };
        var points = new Option<int>("--points") { Description = "Ground-truth point tracks per video.", DefaultValueFactory = _ => defaults.TrackPoints };
        var noPan = new Option<bool>("--no-pan") { Description = "Keep the background still (no camera pan)." };
        var parallel = new Option<int>("--parallel") { Description = "Videos rendered at the same time.", DefaultValueFactory = _ => defaults.Parallelism };
        var hostile = new Option<bool>("--hostile") { Description = "Write the hostile corpus instead: empty, truncated, random, audio-only, 8K, odd-size, 10-bit, grayscale, variable-frame-rate, rotated, broken frame folders, a symlink loop, an unreadable file; hostile.json says what a correct run does with each." };
        var command = new Command("synth", "Render a synthetic corpus: textured objects moving (translation, rotation, scale, occlusion, leaving and re-entering) over a panning textured background, H.264 mp4, with DAVIS-style masks and point tracks with occlusion flags.")
        {
            output, videos, seed, frames, width, height, fps, points, noPan, parallel, hostile,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(hostile))
            {
                var cases = await HostileCorpus.GenerateAsync(result.GetValue(output)!, ct);
                foreach (var c in cases) Console.WriteLine($"  {c.Path,-34} {(c.Decodes ? "decodes" : $"fails in {c.Stage}"),-16} {c.Tests}");
                Console.WriteLine($"{cases.Count} hostile inputs in {Path.GetFullPath(result.GetValue(output)!)}; expectations in {HostileCorpus.ManifestFileName}");
                return 0;
            }

            var options = defaults with
            {
                Videos = result.GetValue(videos),
                Seed = result.GetValue(seed),
                Frames = result.GetValue(frames),
                Width = result.GetValue(width),
                Height = result.GetValue(height),
                Fps = result.GetValue(fps),
                TrackPoints = result.GetValue(points),
                PanBackground = !result.GetValue(noPan),
                Parallelism = result.GetValue(parallel),
            };
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors) Console.Error.WriteLine(error.Replace("synth.", "--", StringComparison.Ordinal));
                return 1;
            }
            var dir = result.GetValue(output)!;
            var manifest = await SyntheticCorpus.GenerateAsync(options, dir, new Progress<string>(Console.WriteLine), ct);
            Console.WriteLine($"{manifest.Videos.Count} videos, {manifest.Videos.Sum(v => v.Frames)} frames in {Path.GetFullPath(dir)}: videos/, Annotations/ (palette PNG masks), tracks/ (point tracks), {SyntheticCorpus.ManifestFileName}");
            return 0;
        });
        return command.WithExamples(
            ("mosic-stream synth --out corpus --videos 12 --seed 3", "12 videos with masks and point tracks; the same seed gives the same bytes"),
            ("mosic-stream synth --out hostile --hostile", "the hostile corpus (broken, odd and huge inputs) with what a correct run does"));
    }
}
