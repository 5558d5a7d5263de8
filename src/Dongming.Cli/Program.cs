using System.Text;
using Dongming.Cli;

Console.OutputEncoding = new UTF8Encoding(false);
return await CliApp.RunAsync(args, CliConsole.System());
