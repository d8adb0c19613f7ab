using System.CommandLine;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>Commands whose implementation belongs to a later issue: they parse and document their interface, then say so.</summary>
internal static class PendingCommand
{
    public static Command Create(string name, string description, string waitingFor)
    {
        var command = new Command(name, description);
        command.Arguments.Add(new Argument<string?>("pipeline")
        {
            Description = "Pipeline file (default: the embedded pipelines/sample.json).",
            Arity = ArgumentArity.ZeroOrOne,
        });
        command.SetAction(_ => Say(name, waitingFor));
        return command;
    }

    private static int Say(string command, string waitingFor)
    {
        Console.Error.WriteLine($"mosic-stream {command} is not yet available: it needs {waitingFor}.");
        return MosicCli.NotAvailable;
    }
}
