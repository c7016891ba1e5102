using Cmp.Provisioner.Extensions;
using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Hosting;

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
        app.UseCmpDefaults();
        await app.RunAsync();
        return 0;
    }
}
