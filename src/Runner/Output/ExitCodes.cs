namespace MoSiC.Stream.Runner.Output;

/// <summary>
/// The exit codes of every command, as README's table and the root <c>--help</c> list them. Scripts (Slurm, CI) can
/// tell a usage mistake from a failed run from an interruption.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done, and there was something to do (or the run says plainly that there was nothing).</summary>
    public const int Ok = 0;

    /// <summary>Failed, or refused for safety: a bad pipeline, a locked checkpoint folder, a gc that would remove too much, a partial cache, an empty result.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: an unknown option, a missing argument, a bad value. One line says which.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl-C or SIGTERM) after finishing in-flight work; a rerun resumes.</summary>
    public const int Interrupted = 130;
}
