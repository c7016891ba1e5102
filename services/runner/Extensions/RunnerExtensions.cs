using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;

namespace Cmp.Runner.Extensions;

/// <summary>Every registration of the runner, in one place.</summary>
public static class RunnerExtensions
{
    public const string LangflowClient = "langflow";

    public static WebApplicationBuilder AddRunner(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddCmpAuthentication(config);
        builder.Services.AddCmpHttpClient(config, LangflowClient);
        builder.Services.AddHealthChecks().AddHttpDependency(LangflowClient, "/health");
        return builder;
    }
}
