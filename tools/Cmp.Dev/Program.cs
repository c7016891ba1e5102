using System.CommandLine;
using System.Runtime.InteropServices;
using Cmp.Dev;
using Spectre.Console;

var dev = new Command("dev", "Run the whole platform on loopback until Ctrl-C.");
dev.SetAction((_, ct) => DevAsync(ct));
var demo = new Command("demo", "Start the platform (or reuse a running `make dev`), run the end-to-end demo, stop what was started.");
demo.SetAction((_, ct) => DemoAsync(ct));
var root = new RootCommand("CMP local launcher") { dev, demo };
try
{
    return await root.Parse(args).InvokeAsync();
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
{
    AnsiConsole.MarkupLineInterpolated($"[red]✘ {e.Message}[/]");
    return 1;
}

static async Task<int> DevAsync(CancellationToken ct)
{
    var ports = DevPorts.FromEnvironment();
    if (await DevStack.IsRunningAsync(ports))
    {
        AnsiConsole.MarkupLine("[yellow]The platform already answers on its dev ports (another `make dev`?).[/]");
        return 1;
    }
    using var stop = StopSignal(ct);
    await using var stack = await StartWithProgressAsync(ports, stop.Token);
    PrintTable(stack);
    AnsiConsole.MarkupLine("[grey]Press Ctrl-C to stop everything.[/]");
    try { await Task.Delay(Timeout.Infinite, stop.Token); }
    catch (OperationCanceledException) { }
    AnsiConsole.MarkupLine("Stopping…");
    return 0;
}

static async Task<int> DemoAsync(CancellationToken ct)
{
    var ports = DevPorts.FromEnvironment();
    using var stop = StopSignal(ct);
    DevStack? started = null;
    if (await DevStack.IsRunningAsync(ports))
        AnsiConsole.MarkupLine("[grey]Using the platform already running (make dev).[/]");
    else
        started = await StartWithProgressAsync(ports, stop.Token);
    try
    {
        return await new DemoScenario(ports).RunAsync(stop.Token);
    }
    finally
    {
        if (started is not null)
        {
            AnsiConsole.MarkupLine("[grey]Stopping what the demo started…[/]");
            await started.DisposeAsync();
        }
    }
}

static async Task<DevStack> StartWithProgressAsync(DevPorts ports, CancellationToken ct)
{
    DevStack? stack = null;
    await AnsiConsole.Status().StartAsync("Starting", async ctx =>
    {
        stack = await DevStack.StartAsync(ports, step =>
        {
            ctx.Status($"Starting {step}…");
            AnsiConsole.MarkupLineInterpolated($"[grey]  starting {step}[/]");
        }, ct);
    });
    return stack!;
}

static void PrintTable(DevStack stack)
{
    var table = new Table().Title("[green]CMP is running[/]").AddColumns("component", "URL", "authenticate with");
    foreach (var e in stack.Endpoints) table.AddRow(Markup.Escape(e.Component), Markup.Escape(e.Url), Markup.Escape(e.Authentication));
    AnsiConsole.Write(table);
}

/// <summary>Ctrl-C and SIGTERM both mean "stop everything cleanly".</summary>
static CancellationTokenSource StopSignal(CancellationToken outer)
{
    var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
    return cts;
}
