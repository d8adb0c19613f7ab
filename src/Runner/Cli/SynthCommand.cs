using System.CommandLine;

namespace MoSiC.Stream.Runner.Cli;

internal static class SynthCommand
{
    public static Command Create() => new("synth", "TEMPORARY");
}
