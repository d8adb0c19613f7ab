using MoSiC.Stream.Runner.Progress;

namespace MoSiC.Stream.Runner.Run;

/// <summary>Where a run's lines go: through the live progress view while it is up (so lines never tear its table), else to stdout.</summary>
internal sealed class RunLog
{
    private ProgressView? _view;

    /// <summary>Writes one line.</summary>
    public void Write(string line)
    {
        if (_view is { } view) view.Log(line);
        else Console.WriteLine(line);
    }

    /// <summary>Routes lines through <paramref name="view"/> until it is detached (null).</summary>
    public void Attach(ProgressView? view) => _view = view;
}
