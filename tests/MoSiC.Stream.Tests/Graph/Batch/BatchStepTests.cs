using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Batch;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Tests.Graph.Batch;

public sealed class BatchStepTests
{
    private readonly PipelineStats _stats = new();

    private static ClipWork Clip(int index) =>
        new(new VideoWork(VideoSource.FromFile($"/data/v{index}.mp4"), $"hash{index}"), 0, new ClipPlan(0, 1, [0]), $"key{index}", [0.0], ClipPixels.Rent(4, 4, 1));

    private static async Task<IReadOnlyList<ClipWork>> NextAsync(Pipe<IReadOnlyList<ClipWork>> output, StageWorker reader)
    {
        await using var batches = output.ReadAllAsync(reader, default).GetAsyncEnumerator();
        Assert.True(await batches.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        return batches.Current;
    }

    [Fact]
    public async Task A_short_batch_waits_for_more_clips_until_the_plan_order_is_full_and_then_goes_at_once()
    {
        var input = new Pipe<ClipWork>(_stats, "in", 8);
        var output = new Pipe<IReadOnlyList<ClipWork>>(_stats, "out", 8);
        var full = new TaskCompletionSource();
        var step = new BatchStep(output, 4, () => full.Task);
        var writer = new StageWorker(_stats.Stage("sample", 1));
        Task run = step.RunAsync(input, new StageWorker(_stats.Stage("batch", 1)), default);

        await input.WriteAsync(Clip(0), 0, writer, default);
        await input.WriteAsync(Clip(1), 0, writer, default);
        await Task.Delay(300);
        Assert.Equal(0, output.Count);

        // Discover now waits for room: the two held clips go on, although no more came.
        full.SetResult();
        var reader = new StageWorker(_stats.Stage("track", 1));
        IReadOnlyList<ClipWork> batch = await NextAsync(output, reader);
        Assert.Equal(["key0", "key1"], batch.Select(c => c.Key));

        // With nothing held, a full order sends nothing; four clips make a whole batch as before.
        for (int i = 2; i < 6; i++) await input.WriteAsync(Clip(i), 0, writer, default);
        Assert.Equal(["key2", "key3", "key4", "key5"], (await NextAsync(output, reader)).Select(c => c.Key));
        input.CompleteWriter();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Without_a_plan_order_clips_wait_for_a_whole_batch_or_the_end_of_the_input()
    {
        var input = new Pipe<ClipWork>(_stats, "in", 8);
        var output = new Pipe<IReadOnlyList<ClipWork>>(_stats, "out", 8);
        var step = new BatchStep(output, 4);
        var writer = new StageWorker(_stats.Stage("sample", 1));
        Task run = step.RunAsync(input, new StageWorker(_stats.Stage("batch", 1)), default);
        await input.WriteAsync(Clip(0), 0, writer, default);
        await Task.Delay(300);
        Assert.Equal(0, output.Count);
        input.CompleteWriter();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["key0"], (await NextAsync(output, new StageWorker(_stats.Stage("track", 1)))).Select(c => c.Key));
    }
}
