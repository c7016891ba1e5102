using Cmp.Gateway.Extensions;
using Cmp.Hosting;

namespace Cmp.Gateway;

public sealed class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-gateway");
        builder.AddGateway();

        var app = builder.Build();
        app.UseGatewayEdge();
        app.UseCmpDefaults();
        app.MapAgentCommerce();
        app.MapGatewayApis();
        await app.RunAsync();
    }
}
