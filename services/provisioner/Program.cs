using Cmp.Hosting;
using Cmp.Provisioner.Extensions;
using Cmp.Provisioner.Features.InstallSaleorApp;

namespace Cmp.Provisioner;

public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        // `saleor install …` runs instead of the service, before any host is built.
        if (SaleorInstallCommand.TryRun(args) is { } command) return await command;

        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-provisioner");
        builder.AddProvisioner();

        var app = builder.Build();
        if (args.Contains("migrate"))
        {
            // `Cmp.Provisioner migrate`: apply migrations and exit (for a Helm hook Job or by hand).
            await app.MigrateDatabaseAsync();
            return 0;
        }

        app.UseCmpDefaults();
        app.MapProvisionerApis();
        await app.RunAsync();
        return 0;
    }
}
