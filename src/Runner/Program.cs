using MoSiC.Stream.Runner.Cli;

return await MosicCli.Build().Parse(args).InvokeAsync();
