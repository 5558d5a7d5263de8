using Dongming.Server.Hosting;
using Dongming.Server.Security;

// `token issue …` mints a token with the server's configuration and exits (see README, Access control).
if (args is ["token", ..]) return TokenCommand.Run(args[1..]);

var builder = WebApplication.CreateBuilder(args);
builder.AddDongming();
builder.AddDongmingSecurity();

var app = builder.Build();
app.UseDongmingSecurity();
app.MapDongming();
app.Run();
return 0;

/// <summary>The host (public so end-to-end tests can locate the assembly).</summary>
public partial class Program;
