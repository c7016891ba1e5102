using Cmp.Provisioner.Extensions;
using Cmp.Hosting;

namespace Cmp.Provisioner;

public sealed class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCmpDefaults("cmp-provisioner");
        builder.AddProvisioner();

        var app = builder.Build();
        app.UseCmpDefaults();
        await app.RunAsync();
    }
}
