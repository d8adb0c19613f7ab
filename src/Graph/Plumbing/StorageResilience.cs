using MoSiC.Stream.Core.Files;
using Polly;
using Polly.Retry;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>
/// The retry policy around cache reads and writes (Polly): transient I/O errors are retried with exponential backoff
/// and jitter, each retry logged; a full disk is not retried, nor a file the cache refuses (a link or a pipe where
/// its own file should be: <see cref="UnsafeFileException"/>), which no retry changes. Cache writes are idempotent (parts are named by their
/// content, manifest entries are created exclusively), so a retry after a half-done write is safe.
/// </summary>
internal static class StorageResilience
{
    public static ResiliencePipeline Create(int retries, Action<string> log)
    {
        if (retries == 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<IOException>(e => !DiskFull.Is(e) && e is not UnsafeFileException),
            MaxRetryAttempts = retries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(10),
            OnRetry = args =>
            {
                log($"  cache I/O failed ({args.Outcome.Exception?.Message}); retry {args.AttemptNumber + 1} of {retries} in {args.RetryDelay.TotalMilliseconds:0} ms");
                return ValueTask.CompletedTask;
            },
        }).Build();
    }
}
