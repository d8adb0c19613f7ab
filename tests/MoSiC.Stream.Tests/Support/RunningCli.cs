using System.Diagnostics;

namespace MoSiC.Stream.Tests.Support;

/// <summary>The mosic-stream CLI started as a child process whose output is read line by line while it runs, so a test can act (signal it) at a chosen moment.</summary>
internal sealed class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _out = [];
    private readonly List<string> _err = [];

    public RunningCli(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mosic-stream.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Out
    {
        get
        {
            lock (_out) return string.Join('\n', _out);
        }
    }

    public string Err
    {
        get
        {
            lock (_err) return string.Join('\n', _err);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false when the process ended (or time ran out) first.</summary>
    public bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            if (_process.HasExited) return condition();
            Thread.Sleep(20);
        }

        return false;
    }

    /// <summary>Sends a POSIX signal (INT, TERM, KILL) as a user's shell would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit code, sampling the process's peak resident memory (VmHWM, bytes) until it ends.</summary>
    public (int Code, long PeakBytes) ExitWithPeakMemory(TimeSpan timeout)
    {
        long peak = 0;
        var deadline = DateTime.UtcNow + timeout;
        string status = $"/proc/{Pid}/status";
        while (!_process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null) peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024);
            }
            catch (IOException)
            {
                // It ended between the check and the read.
            }

            Thread.Sleep(50);
        }

        return (Exit(TimeSpan.FromSeconds(10)), peak);
    }

    /// <summary>Waits for the exit code.</summary>
    public int Exit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"mosic-stream did not exit in {timeout}: {Out}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
