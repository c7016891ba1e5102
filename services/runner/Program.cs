using Cmp.Hosting;
using Cmp.Runner.Apis;
using Cmp.Runner.Extensions;

namespace Cmp.Runner;

public sealed class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-runner");
        builder.AddRunner();

        var app = builder.Build();
        app.UseCmpDefaults();
        app.MapRunsApi();
        app.MapFlowsApi();
        await app.RunAsync();
    }
}
