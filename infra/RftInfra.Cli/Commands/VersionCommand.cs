using System.CommandLine;
using System.Reflection;

namespace RftInfra.Cli.Commands;

public static class VersionCommand
{
    public static Command Create(IOContext io)
    {
        var command = new Command("about", "Print the kit's version and the catalog it was built with.");
        command.SetAction(_ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
                ?.InformationalVersion ?? "0.0.0";
            io.Out.WriteLine($"rft {version}");
            return ExitCodes.Success;
        });
        return command;
    }
}
