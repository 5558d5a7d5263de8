// The composition lives in Hosting/DongmingApp.cs, shared with the in-process test host.
return await Dongming.Server.Hosting.DongmingApp.MainAsync(args);

/// <summary>The host (public so tests can locate the assembly).</summary>
public partial class Program;
