using System.Runtime.InteropServices;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// Ctrl-C and SIGTERM for a long run: the first asks it to stop (finish what is in flight, write tracks and a
/// checkpoint, exit non-zero), the second aborts at once. Only while registered; otherwise a signal ends the process
/// as usual (System.CommandLine's own handling is turned off in Program.cs, as it would end the process 2 s later).
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Action<string> _log;

    public Interrupts(Action<string> log)
    {
        _log = log;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal, or by <see cref="Stop"/>.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationTokenSource Abort { get; } = new();

    /// <summary>Why the run was asked to stop, for the summary.</summary>
    public string? Reason { get; private set; }

    /// <summary>Asks the run to stop, for <paramref name="reason"/>.</summary>
    public void Stop(string reason)
    {
        lock (Stopping)
        {
            Reason ??= reason;
        }

        Stopping.Cancel();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!Stopping.IsCancellationRequested)
        {
            _log($"{context.Signal}: stopping: finishing the work in flight, then writing tracks and a checkpoint (send it again to abort now)");
            Stop($"interrupted by {context.Signal}");
        }
        else
        {
            _log($"{context.Signal} again: aborting");
            Abort.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
        Stopping.Dispose();
        Abort.Dispose();
    }
}
