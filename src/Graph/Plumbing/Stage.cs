using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>
/// Runs a stage: <c>workers</c> loops that take items from the input buffer and hand them to the stage's body. When
/// the input completes and every worker is done, an optional <c>finish</c> runs (flush a partial batch, drain a
/// shuffle buffer) and the outputs are told this writer is done. When the body throws, the outputs are faulted with
/// the same error, so the failure travels down the graph instead of leaving readers waiting forever.
/// </summary>
internal static class Stage
{
    public static Task Run<TIn>(StageStats stats, Pipe<TIn> input, IReadOnlyList<IPipe> outputs,
        Func<TIn, StageWorker, CancellationToken, ValueTask> body, CancellationToken ct, Func<StageWorker, CancellationToken, ValueTask>? finish = null) =>
        Source(stats, outputs, async (first, token) =>
        {
            var workers = Enumerable.Range(0, stats.Workers).Select(i => i == 0 ? first : new StageWorker(stats))
                .Select(worker => Task.Run(async () =>
                {
                    await foreach (TIn item in input.ReadAllAsync(worker, token).ConfigureAwait(false))
                        await worker.TimeAsync(() => body(item, worker, token)).ConfigureAwait(false);
                }, token)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            if (finish is not null) await first.TimeAsync(() => finish(first, token)).ConfigureAwait(false);
        }, ct);

    /// <summary>Runs a stage with no input buffer (it produces items itself), with the same completion and fault rules.</summary>
    public static Task Source(StageStats stats, IReadOnlyList<IPipe> outputs, Func<StageWorker, CancellationToken, Task> produce, CancellationToken ct) =>
        Task.Run(async () =>
        {
            try
            {
                await produce(new StageWorker(stats), ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (IPipe output in outputs) output.Fault(e);
                throw;
            }

            foreach (IPipe output in outputs) output.CompleteWriter();
        }, CancellationToken.None);
}
