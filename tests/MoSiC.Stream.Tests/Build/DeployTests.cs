using System.Diagnostics;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Build;

/// <summary>
/// The deploy recipes, run with stand-ins for the cluster tools (a fake <c>sbatch</c> and <c>mosic-stream</c> on PATH
/// that record their arguments): the shard count comes from one number, any Slurm array start maps to shards 0…N−1,
/// logs never overwrite each other, and a final check that every shard landed is queued before training.
/// </summary>
public sealed class DeployTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Deploy(string path) => Path.Combine(RepoPaths.Root, "deploy", path);

    [Fact]
    public void The_kubernetes_job_takes_completions_parallelism_and_the_shard_count_from_one_number()
    {
        var (code, yaml, _) = Bash(Deploy("kubernetes/track-job.sh"), [], ("SHARDS", "5"), ("IMAGE", "reg/mosic:1"), ("PIPELINE", "p.json"));
        Assert.Equal(0, code);
        Assert.Contains("completions: 5", yaml);
        Assert.Contains("parallelism: 5", yaml);
        Assert.Contains("{ name: MOSIC_SHARDS, value: \"5\" }", yaml);
        Assert.Contains("--shard \"${JOB_COMPLETION_INDEX}/${MOSIC_SHARDS}\"", yaml);
        Assert.Contains("image: reg/mosic:1", yaml);
        Assert.Contains("track -p p.json", yaml);
        Assert.DoesNotContain("${SHARDS}", yaml);
        Assert.DoesNotContain("/8\"", yaml);

        Assert.Equal(2, Bash(Deploy("kubernetes/track-job.sh"), [], ("SHARDS", "0"), ("IMAGE", "x")).Code);
        Assert.Equal(2, Bash(Deploy("kubernetes/track-job.sh"), [], ("SHARDS", "8/8"), ("IMAGE", "x")).Code);
        Assert.NotEqual(0, Bash(Deploy("kubernetes/track-job.sh"), [], ("IMAGE", "x")).Code);
    }

    [Fact]
    public void The_kubernetes_check_job_runs_cache_ls_expect_corpus_on_the_same_image_and_pipeline()
    {
        var (code, yaml, err) = Bash(Deploy("kubernetes/track-job.sh"), ["check"], ("IMAGE", "reg/mosic:1"), ("PIPELINE", "p.json"));
        Assert.True(code == 0, err);
        Assert.Contains("image: reg/mosic:1", yaml);
        Assert.Contains("args: [\"cache\", \"ls\", \"-p\", \"p.json\", \"--expect-corpus\"]", yaml);
        Assert.Contains("backoffLimit: 0", yaml);
        Assert.DoesNotContain("${", yaml);
    }

    [Theory]
    [InlineData(0, 7, 1)]
    [InlineData(1, 8, 1)]
    [InlineData(10, 24, 2)]
    public void Every_slurm_array_maps_onto_shards_0_to_n_minus_1(int first, int last, int step)
    {
        FakeTool("mosic-stream", "printf '%s\\n' \"$*\" >> \"$CALLS\"");
        int count = (last - first) / step + 1;
        for (int id = first; id <= last; id += step)
        {
            var (code, _, err) = Bash(Deploy("slurm/track-array.sbatch"), [],
                ("SLURM_SUBMIT_DIR", _dir.Path), ("SLURM_ARRAY_TASK_ID", $"{id}"), ("SLURM_ARRAY_TASK_MIN", $"{first}"), ("SLURM_ARRAY_TASK_MAX", $"{last}"),
                ("SLURM_ARRAY_TASK_STEP", $"{step}"), ("SLURM_ARRAY_TASK_COUNT", $"{count}"), ("SLURM_ARRAY_JOB_ID", "4242"));
            Assert.True(code == 0, err);
        }

        string[] calls = File.ReadAllLines(_dir.File("calls"));
        Assert.Equal(Enumerable.Range(0, count).Select(k => $"{k}/{count}"), calls.Select(c => c.Split("--shard ")[1].Split(' ')[0]));
        Assert.All(calls, c => Assert.Contains("--report runs/track-4242_", c));
        Assert.Contains("#SBATCH --output=mosic-track-%A_%a.log", File.ReadAllText(Deploy("slurm/track-array.sbatch")));
    }

    [Fact]
    public void A_rerun_of_one_slurm_task_keeps_its_shard_of_the_original_array_and_an_outside_task_is_refused()
    {
        FakeTool("mosic-stream", "printf '%s\\n' \"$*\" >> \"$CALLS\"");
        (string, string)[] oneTask(int id) =>
        [
            ("SLURM_SUBMIT_DIR", _dir.Path), ("SLURM_ARRAY_TASK_ID", $"{id}"), ("SLURM_ARRAY_TASK_MIN", $"{id}"), ("SLURM_ARRAY_TASK_MAX", $"{id}"),
            ("SLURM_ARRAY_TASK_STEP", "1"), ("SLURM_ARRAY_TASK_COUNT", "1"), ("SLURM_ARRAY_JOB_ID", "4243"),
            ("MOSIC_SHARDS", "8"), ("MOSIC_ARRAY_FIRST", "1"),
        ];
        var (code, _, err) = Bash(Deploy("slurm/track-array.sbatch"), [], oneTask(5));
        Assert.True(code == 0, err);
        Assert.Contains("--shard 4/8", File.ReadAllText(_dir.File("calls")));

        var (outside, _, why) = Bash(Deploy("slurm/track-array.sbatch"), [], oneTask(9));
        Assert.Equal(2, outside);
        Assert.Contains("outside 0..7 of 8", why);
        Assert.Single(File.ReadAllLines(_dir.File("calls")));
    }

    [Fact]
    public void Slurm_submission_makes_the_log_folder_and_checks_every_shard_before_training()
    {
        FakeTool("sbatch", "n=$(( $(wc -l < \"$CALLS\" 2>/dev/null || echo 0) + 100 )); printf '%s\\n' \"$*\" >> \"$CALLS\"; echo \"$n\"");
        var (code, output, err) = Bash(Deploy("slurm/submit.sh"), ["1-8", "p.json"]);
        Assert.True(code == 0, err);
        Assert.True(Directory.Exists(_dir.File("runs/logs")));
        string[] calls = File.ReadAllLines(_dir.File("calls"));
        Assert.Equal(3, calls.Length);
        Assert.Contains("--array=1-8", calls[0]);
        Assert.Contains("--output=runs/logs/track-%A_%a.log", calls[0]);
        Assert.Contains("--dependency=afterany:100", calls[1]);
        Assert.Contains("mosic-stream cache ls -p p.json --expect-corpus", calls[1]);
        Assert.Contains("--dependency=afterok:101", calls[2]);
        Assert.Contains("mosic-stream train -p p.json", calls[2]);
        Assert.Contains("track array 100, check 101, train 102", output);
    }

    private void FakeTool(string name, string body)
    {
        Directory.CreateDirectory(_dir.File("bin"));
        string path = _dir.File(Path.Combine("bin", name));
        File.WriteAllText(path, $"#!/bin/bash\n{body}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private (int Code, string Out, string Err) Bash(string script, string[] args, params (string Name, string Value)[] env)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["PATH"] = _dir.File("bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment["CALLS"] = _dir.File("calls");
        foreach (var (name, value) in env) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the script did not finish in 30 s");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
