using Cmp.Data;
using Cmp.Gateway.Extensions;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Data;
using Cmp.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway;

public sealed class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-gateway");
        builder.AddGateway();

        var app = builder.Build();
        if (args.Contains("migrate"))
        {
            // `Cmp.Gateway migrate`: apply the run records' and (when on) agent commerce's migrations and exit
            // (for a Helm hook Job, an init container, or by hand).
            await app.MigrateDatabaseAsync<GatewayDbContext>();
            if (app.Services.GetService<IDbContextFactory<CommerceDbContext>>() is not null)
                await app.MigrateDatabaseAsync<CommerceDbContext>();
            return 0;
        }

        app.UseGatewayEdge();
        app.UseCmpDefaults();
        app.MapAgentCommerce();
        app.MapGatewayApis();
        await app.RunAsync();
        return 0;
    }
}
