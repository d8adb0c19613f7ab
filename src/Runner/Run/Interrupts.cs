using System.Runtime.InteropServices;
using MoSiC.Stream.Runner.Output;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// Ctrl-C and SIGTERM for a long run: the first asks it to stop (finish what is in flight, write tracks and a
/// checkpoint, exit non-zero), the second aborts at once, and ends the process after
/// <see cref="HardExitAfter"/> if the abort is stuck. Only while registered; otherwise a signal ends the process
/// as usual (System.CommandLine's own handling is turned off in Program.cs, as it would end the process 2 s later).
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Action<string> _log;
    private int _aborting;

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
        else if (Interlocked.Exchange(ref _aborting, 1) == 0)
        {
            _log($"{context.Signal} again: aborting (exits within {HardExitAfter.TotalSeconds:0} s, whatever it is blocked on)");
            Abort.Cancel();
            // A read that blocks in the kernel (a stalled mount, a pipe) ignores cancellation: the process ends anyway.
            _ = Task.Delay(HardExitAfter).ContinueWith(_ => ExitNow(), TaskScheduler.Default);
        }
    }

    /// <summary>How long the second signal waits for the run to abort (and write its summary) before ending the process.</summary>
    public static TimeSpan HardExitAfter { get; } = TimeSpan.FromSeconds(3);

    private void ExitNow()
    {
        _log($"still running {HardExitAfter.TotalSeconds:0} s after the second signal: exiting now (rerun to resume)");
        Console.Out.Flush();
        Console.Error.Flush();
        // _exit, not Environment.Exit: exit handlers could block on the very thing that is stuck.
        _exit(ExitCodes.Interrupted);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
        Stopping.Dispose();
        Abort.Dispose();
    }
}
