using MoSiC.Stream.Bench;

// mosic-bench decode [--file F ...] [--repeats N] [--warmup N] [--threads T ...] [--fps X] [--width W --height H] [--out results.md]
if (args.Length == 0 || args[0] is "-h" or "--help" || args[0] != "decode")
{
    Console.Error.WriteLine(DecodeBenchOptions.Usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

DecodeBenchOptions options;
try
{
    options = DecodeBenchOptions.Parse(args[1..]);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"mosic-bench decode: {ex.Message}");
    Console.Error.WriteLine(DecodeBenchOptions.Usage);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await DecodeBench.RunAsync(options, cts.Token);
