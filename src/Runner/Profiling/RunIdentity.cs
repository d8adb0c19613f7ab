namespace MoSiC.Stream.Runner.Profiling;

/// <summary>Which run a profile describes, printed at the top of timeline.html and timeline.png and kept in profile.json.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Source">The pipeline file (or the embedded sample).</param>
/// <param name="Mode">run, track or train.</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="Command">The command line as typed (<c>mosic-stream …</c>).</param>
/// <param name="Threads">runtime.threads in words: decode workers × ffmpeg threads, tracker, torch.</param>
public sealed record RunIdentity(string Pipeline, string Source, string Mode, DateTime StartedUtc, string Command, string Threads);
