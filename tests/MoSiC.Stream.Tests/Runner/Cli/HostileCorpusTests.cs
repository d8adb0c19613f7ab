using System.Text.Json;
using MoSiC.Stream.Synthetic.Hostile;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// The hostile corpus (<c>synth --hostile</c>) through <c>mosic-stream track</c>: every input ends as decoded clips or
/// as the failure record hostile.json expects, and the run itself finishes cleanly.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class HostileCorpusTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        // The unreadable case has no permissions: give them back so the folder can be deleted.
        string locked = _dir.File("corpus/unreadable.mp4");
        if (!OperatingSystem.IsWindows() && File.Exists(locked)) File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _dir.Dispose();
    }

    [SkippableFact]
    public void Every_hostile_input_is_decoded_or_a_specific_failure_and_the_run_goes_on()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var synth = CliProcess.Run(_dir.Path, "synth", "--hostile", "--out", "corpus");
        Assert.True(synth.Code == 0, synth.Out + synth.Err);
        var cases = JsonSerializer.Deserialize<HostileCase[]>(File.ReadAllText(_dir.File($"corpus/{HostileCorpus.ManifestFileName}")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;
        Assert.True(cases.Length >= 18, $"only {cases.Length} cases");

        File.WriteAllText(_dir.File("p.json"), """
            {
              "corpus": { "root": "corpus", "include": ["**/*.mp4", "**/*.mkv", "**/*.jpg"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 64, "height": 64 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 4, "batchSize": 2 },
              "cache": { "dir": "cache" }
            }
            """);
        var run = CliProcess.Run(_dir.Path, "track", "p.json", "--report", "run.json");
        Assert.True(run.Code == 0, run.Out + run.Err);

        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("run.json")));
        var failures = report.RootElement.GetProperty("failures").EnumerateArray()
            .ToDictionary(f => Path.GetFileName(f.GetProperty("path").GetString()!.TrimEnd('/')), f => (Stage: f.GetProperty("stage").GetString(), Reason: f.GetProperty("reason").GetString()!));
        Assert.All(cases, c =>
        {
            string name = Path.GetFileName(c.Path);
            if (c.Decodes)
            {
                Assert.False(failures.ContainsKey(name), $"{c.Name} ({c.Tests}) failed: {failures.GetValueOrDefault(name)}");
                Assert.Matches($@"\n  {System.Text.RegularExpressions.Regex.Escape(name)}: \d+ frames, [12] clips \([12] to track", run.Out);
            }
            else
            {
                Assert.True(failures.TryGetValue(name, out var failure), $"{c.Name} ({c.Tests}) has no failure record:\n{run.Out}");
                Assert.Equal(c.Stage, failure.Stage);
                if (c.Reason is not null) Assert.Contains(c.Reason, failure.Reason);
            }
        });
        Assert.Equal(cases.Count(c => !c.Decodes), failures.Count);
    }
}
