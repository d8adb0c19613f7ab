using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Runner.Progress;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// Where a run's lines go: through the live progress view while it is up (so lines never tear its table), else to
/// the people's stream (stdout, or stderr under <c>--json</c>). <see cref="Write"/> lines are progress and detail,
/// left out under <c>--quiet</c>; <see cref="Result"/> lines are what the run came to, always printed.
/// </summary>
internal sealed class RunLog
{
    private ProgressView? _view;

    /// <summary>Writes one line of progress or detail (not under --quiet).</summary>
    public void Write(string line)
    {
        if (!CliOutput.Quiet) Emit(line);
    }

    /// <summary>Writes one line of the run's result (totals, failures, the bottleneck, "nothing to do").</summary>
    public void Result(string line) => Emit(line);

    /// <summary>Routes lines through <paramref name="view"/> until it is detached (null).</summary>
    public void Attach(ProgressView? view) => _view = view;

    private void Emit(string line)
    {
        if (_view is { } view) view.Log(line);
        else CliOutput.Human.WriteLine(line);
    }
}
