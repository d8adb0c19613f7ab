using System.Text.Json;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Profiling;

public sealed class ProfileReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mosic-profile-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Names_the_bottleneck_and_profiles_stages_and_buffers()
    {
        var report = ProfileReport.Create(MadeUpSnapshots.TrackBound(), MadeUpSnapshots.Timeline(40));

        Assert.Equal("track", report.Bottleneck!.Stage);
        var track = report.Stages[1];
        Assert.Equal((0.97, 0.02, 0.01), (track.Busy, track.Starved, track.Blocked));
        Assert.Equal(1.2, track.ItemsPerSecond, 6);
        Assert.Equal(1.2, track.MegabytesInPerSecond, 6); // 120 MB in over 100 s
        var input = report.Queues[0];
        Assert.Equal((8, 7.5, 8L), (input.Capacity, input.MeanItems, input.MaxItems));
        Assert.Equal(7.5 / 8, input.MeanFill, 6);

        var lines = report.SummaryLines();
        Assert.StartsWith("bottleneck: track (track busy 97% of its time; decode blocked 80% waiting for it; train starved 70%)", lines[0]);
        Assert.Contains(lines, l => l.Contains("decode→track") && l.Contains("max 8/8"));
        Assert.Equal(1 + 3 + 2, lines.Count);
    }

    [Fact]
    public async Task Writes_json_png_and_html()
    {
        var report = ProfileReport.Create(MadeUpSnapshots.TrackBound(), MadeUpSnapshots.Timeline(40));

        var paths = await report.WriteAsync(_dir, CancellationToken.None);

        Assert.Equal(["profile.json", "timeline.png", "timeline.html"], paths.Select(Path.GetFileName));
        Assert.Equal(3, Directory.GetFiles(_dir).Length); // no temporary file left behind

        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(paths[0], CancellationToken.None));
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("elapsedSeconds").GetDouble());
        Assert.Equal("track", root.GetProperty("bottleneck").GetProperty("stage").GetString());
        Assert.Contains("decode blocked 80%", root.GetProperty("bottleneck").GetProperty("reason").GetString());
        var stages = root.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["decode", "track", "train"], stages.Select(s => s.GetProperty("name").GetString()));
        foreach (string field in new[] { "itemsIn", "itemsOut", "bytesIn", "bytesOut", "itemsPerSecond", "megabytesInPerSecond", "megabytesOutPerSecond", "busy", "starved", "blocked" })
            Assert.True(stages[1].TryGetProperty(field, out _), field);
        Assert.Equal(0.97, stages[1].GetProperty("busy").GetDouble(), 6);
        var queue = root.GetProperty("queues")[0];
        Assert.Equal(8, queue.GetProperty("capacity").GetInt32());
        Assert.Equal(7.5, queue.GetProperty("meanItems").GetDouble(), 6);
        Assert.Equal(8, queue.GetProperty("maxItems").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("queues")[1].GetProperty("byteCapacity").ValueKind);
        var run = root.GetProperty("run");
        Assert.Equal((40, 30, 1), (run.GetProperty("videosTotal").GetInt32(), run.GetProperty("videosDone").GetInt32(), run.GetProperty("videosFailed").GetInt32()));
        Assert.Equal(3.21, run.GetProperty("loss").GetDouble(), 6);
        var timeline = root.GetProperty("timeline");
        Assert.Equal(40, timeline.GetArrayLength());
        Assert.Equal(0.8, timeline[0].GetProperty("stages")[0].GetProperty("blocked").GetDouble(), 6);
        Assert.True(timeline[0].GetProperty("queues")[0].TryGetProperty("fill", out _));

        byte[] png = await File.ReadAllBytesAsync(paths[1], CancellationToken.None);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.True(png.Length > 5 * 1024, $"png is {png.Length} bytes");

        string html = await File.ReadAllTextAsync(paths[2], CancellationToken.None);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("Run time 00:01:40", html);
        foreach (string name in new[] { "decode", "track", "train", "decode→track", "track→train" }) Assert.Contains(name, html);
        Assert.Contains("<svg", html);
        Assert.Contains("<polyline", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public async Task A_run_without_samples_or_loss_still_writes_a_valid_report()
    {
        var final = MadeUpSnapshots.TrackBound() with { Run = new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN) };
        var report = ProfileReport.Create(final, []);

        var paths = await report.WriteAsync(_dir, CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(paths[0], CancellationToken.None));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("run").GetProperty("loss").ValueKind);
        Assert.Equal(8, json.RootElement.GetProperty("queues")[0].GetProperty("meanItems").GetDouble());
        Assert.True(new FileInfo(paths[1]).Length > 0);
    }
}
