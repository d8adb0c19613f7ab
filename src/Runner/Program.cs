using System.CommandLine;
using MoSiC.Stream.Runner.Cli;

// Long runs handle Ctrl-C and SIGTERM themselves (Interrupts): System.CommandLine's handler would end them 2 s later.
return await MosicCli.InvokeAsync(args, new InvocationConfiguration { ProcessTerminationTimeout = null });
