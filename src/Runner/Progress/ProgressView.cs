using MoSiC.Stream.Graph.Metrics;
using Spectre.Console;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// Shows a run's progress while it goes. On an interactive terminal, a live table redrawn about four times a second:
/// per stage items/s, busy, starved and blocked; per buffer fill; videos, ETA, clips and trainer step. Elsewhere (CI,
/// pipes, files, tests) one plain line every <see cref="ProgressOptions.PlainInterval"/> (see <see cref="ProgressLine"/>).
/// Disposing stops the view and shows the state at the end once more.
/// </summary>
/// <remarks>
/// While the live table is up, anything else written straight to <see cref="Console"/> lands inside the table's
/// lines and garbles both. Write other lines through <see cref="Log"/>, which prints them above the table (through
/// the same Spectre console, which redraws the table below them); in plain mode it just writes the line.
/// </remarks>
public sealed class ProgressView : IAsyncDisposable
{
    private readonly PipelineStats _stats;
    private readonly string _title;
    private readonly ProgressOptions _options;
    private readonly IAnsiConsole _console;
    private readonly Action<string> _plain;
    private readonly Lock _writeGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    private ProgressView(PipelineStats stats, string title, ProgressOptions options)
    {
        _stats = stats;
        _title = title;
        _options = options;
        _console = options.Console ?? AnsiConsole.Console;
        if (options.PlainOutput is { } writer)
        {
            Interactive = false;
            _plain = writer.WriteLine;
        }
        else
        {
            // Spectre reports what the terminal can do; a redirected stdout is a pipe or file even when the profile
            // was guessed from the environment, so the live table (cursor moves) would only litter it.
            Interactive = _console.Profile.Capabilities.Interactive && (options.Console is not null || !System.Console.IsOutputRedirected);
            // Straight to the console's writer: Spectre would wrap a long line at its guessed width.
            var output = _console.Profile.Out.Writer;
            _plain = output.WriteLine;
        }
        _loop = Interactive ? LiveAsync(_stop.Token) : PlainAsync(_stop.Token);
    }

    /// <summary>Starts showing <paramref name="stats"/> under <paramref name="title"/>.</summary>
    public static ProgressView Start(PipelineStats stats, string title, ProgressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(title);
        options ??= new ProgressOptions();
        options.Validate();
        return new ProgressView(stats, title, options);
    }

    /// <summary>Whether the view is the live table (else plain lines).</summary>
    public bool Interactive { get; }

    /// <summary>Writes a line of other output without tearing the live table; in plain mode, just the line.</summary>
    public void Log(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_writeGate)
        {
            if (Interactive) _console.WriteLine(line);
            else _plain(line);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task PlainAsync(CancellationToken ct)
    {
        var window = new RateWindow(_options.PlainInterval);
        var start = _stats.Snapshot();
        window.Push(start);
        Write($"{_title}: started");
        using var timer = new PeriodicTimer(_options.PlainInterval, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                WriteLine(window);
        }
        catch (OperationCanceledException)
        {
            // Disposal stops the loop; the last line below still reports the end.
        }
        WriteLine(window);
    }

    private void WriteLine(RateWindow window)
    {
        var now = _stats.Snapshot();
        Write(ProgressLine.Format(now, window.Push(now)));
    }

    private void Write(string line)
    {
        lock (_writeGate) _plain(line);
    }

    private async Task LiveAsync(CancellationToken ct)
    {
        var window = new RateWindow(_options.RateWindow);
        var now = _stats.Snapshot();
        await _console.Live(ProgressTable.Render(_title, now, window.Push(now)))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                try
                {
                    while (!ct.IsCancellationRequested)
                    {
                        await Task.Delay(_options.RefreshInterval, _options.Time, ct).ConfigureAwait(false);
                        Redraw(context, window);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Disposal ends the display; the last redraw below leaves the final state on screen.
                }
                Redraw(context, window);
            }).ConfigureAwait(false);
    }

    private void Redraw(LiveDisplayContext context, RateWindow window)
    {
        var now = _stats.Snapshot();
        lock (_writeGate)
        {
            context.UpdateTarget(ProgressTable.Render(_title, now, window.Push(now)));
            context.Refresh();
        }
    }
}
