namespace MoSiC.Stream.Runner.Run;

/// <summary>A run cannot start: the message names what is wrong and what to do; the command prints it and exits 1.</summary>
internal sealed class RunSetupException(string message) : Exception(message);
