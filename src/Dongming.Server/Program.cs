using Dongming.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDongming();

var app = builder.Build();
app.MapDongming();
app.Run();

/// <summary>The host (public so end-to-end tests can locate the assembly).</summary>
public partial class Program;
