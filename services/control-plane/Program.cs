using Cmp.ControlPlane.Extensions;
using Cmp.Hosting;

namespace Cmp.ControlPlane;

public sealed class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-control-plane");
        builder.AddControlPlane();

        var app = builder.Build();
        if (args.Contains("migrate"))
        {
            // `Cmp.ControlPlane migrate`: apply migrations and exit (for a Helm hook Job or by hand).
            await app.MigrateDatabaseAsync();
            return;
        }

        app.UseCmpDefaults();
        app.MapControlPlaneApis();
        await app.RunAsync();
    }
}
