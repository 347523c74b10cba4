using RftInfra.Cli;

// Ctrl+C cancels the running command; System.CommandLine wires the token through InvokeAsync.
return await RftCommand.RunAsync(args, IOContext.Console());
