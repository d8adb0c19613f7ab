using System.Globalization;

namespace MoSiC.Stream.Bench;

/// <summary>The command line of <c>mosic-bench decode</c>.</summary>
internal sealed record DecodeBenchOptions(
    IReadOnlyList<string> Files,
    int Repeats,
    int Warmup,
    IReadOnlyList<int> Threads,
    double? Fps,
    int? Width,
    int? Height,
    string? Out)
{
    public const string Usage =
        """
        usage: mosic-bench decode [--file F ...] [--repeats N] [--warmup N] [--threads T ...] [--fps X] [--width W --height H] [--out results.md]

          --file F       input video (repeatable); default: ../shared/data/real/sam2_gallery_dog/video.mp4 next to the
                         repository, plus a generated 1280x720 H.264 clip of 600 frames
          --repeats N    timed rounds per file and thread setting, interleaved A A1M B B2 C (default 5)
          --warmup N     untimed rounds first (default 1)
          --threads T    ffmpeg -threads / -filter_threads (repeatable or comma-separated, e.g. 1,2; default 1)
          --fps X        decode at X frames/s in every variant (B2 uses X instead of the file's native rate)
          --width W --height H
                         stretch to W x H in every variant
          --out FILE     also write the Markdown report to FILE
        """;

    public static DecodeBenchOptions Parse(IReadOnlyList<string> args)
    {
        var files = new List<string>();
        var threads = new List<int>();
        int repeats = 5, warmup = 1;
        double? fps = null;
        int? width = null, height = null;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--file": files.Add(Value()); break;
                case "--repeats": repeats = Int(name, Value(), 1); break;
                case "--warmup": warmup = Int(name, Value(), 0); break;
                case "--threads":
                    foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        threads.Add(Int(name, part, 0));
                    break;
                case "--fps":
                    fps = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 && f <= 1000
                        ? f : throw new ArgumentException("--fps must be a number in (0, 1000]");
                    break;
                case "--width": width = Int(name, Value(), 2); break;
                case "--height": height = Int(name, Value(), 2); break;
                case "--out": output = Value(); break;
                default: throw new ArgumentException($"unknown argument '{name}'");
            }
        }
        if (width.HasValue != height.HasValue) throw new ArgumentException("--width and --height go together");
        return new DecodeBenchOptions(files, repeats, warmup, threads.Count == 0 ? [1] : threads.Distinct().ToArray(),
            fps, width, height, output);
    }

    private static int Int(string name, string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v : throw new ArgumentException($"{name} must be an integer >= {min}, got '{text}'");
}
