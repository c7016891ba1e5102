using Cmp.Runner.Extensions;
using Cmp.Hosting;

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
        await app.RunAsync();
    }
}
