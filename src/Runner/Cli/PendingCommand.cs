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

    public static Command CreateCache()
    {
        var cache = new Command("cache", "Inspect and maintain the trajectory cache.");
        foreach (var (name, description) in new[]
        {
            ("ls", "List partitions, videos, clips, rows and bytes."),
            ("verify", "Check footers, checksums and manifests."),
            ("gc", "Remove entries of videos no longer in the corpus."),
        })
        {
            var sub = new Command(name, description);
            sub.Arguments.Add(new Argument<string?>("dir") { Description = "Cache folder (default: cache.dir of the pipeline).", Arity = ArgumentArity.ZeroOrOne });
            sub.SetAction(_ => Say($"cache {name}", "the trajectory cache (issue #4)"));
            cache.Subcommands.Add(sub);
        }
        return cache;
    }

    private static int Say(string command, string waitingFor)
    {
        Console.Error.WriteLine($"mosic-stream {command} is not yet available: it needs {waitingFor}.");
        return MosicCli.NotAvailable;
    }
}
