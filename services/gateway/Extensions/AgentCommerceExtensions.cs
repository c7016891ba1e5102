using Cmp.Data;
using Cmp.Gateway.Apis;
using Cmp.Gateway.Features.Acp;
using Cmp.Gateway.Features.Acp.Auth;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Idempotency;
using Cmp.Gateway.Features.Acp.OrderEvents;
using Cmp.Gateway.Features.Feed;
using Cmp.Gateway.Features.Mcp;
using Cmp.Gateway.Features.Mcp.Tools;
using Cmp.Gateway.Features.Payments;
using Cmp.Gateway.Features.Payments.Stripe;
using Cmp.Gateway.Features.Payments.TestPsp;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Hosting.Configuration;
using Cmp.Hosting.Health;
using Cmp.Saleor;
using Cmp.Stripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Extensions;

/// <summary>
/// Agent commerce on the gateway: ACP (checkout sessions, delegate payment, discovery), the product feed and the MCP
/// server, over Saleor, with the payment providers. Every registration is here; see AGENT-COMMERCE.md for the keys.
/// </summary>
public static class AgentCommerceExtensions
{
    /// <summary>On when <c>AgentCommerce:Enabled</c> is true, or, when that key is absent, when Saleor is configured
    /// (<c>Saleor:ApiUrl</c>), so a gateway without Saleor still runs its other APIs. Enabled explicitly, a missing
    /// setting stops the service at startup.</summary>
    public static bool IsAgentCommerceEnabled(IConfiguration config) =>
        config.GetValue<bool?>("AgentCommerce:Enabled") ?? !string.IsNullOrWhiteSpace(config["Saleor:ApiUrl"]);

    public static WebApplicationBuilder AddAgentCommerce(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        if (!IsAgentCommerceEnabled(config)) return builder;

        services.AddValidatedOptions<AcpOptions>(config, AcpOptions.Section);
        services.AddValidatedOptions<PaymentOptions>(config, PaymentOptions.Section);
        services.AddValidatedOptions<McpOptions>(config, McpOptions.Section);

        var connectionString = config.GetConnectionString("Gateway");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings:Gateway is required for agent commerce (a PostgreSQL connection string).");
        services.AddPooledDbContextFactory<CommerceDbContext>(o => o.UseNpgsql(connectionString,
            npgsql => npgsql.MigrationsHistoryTable(CommerceDbContext.HistoryTable, CommerceDbContext.Schema)));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CommerceDbContext>>().CreateDbContext());
        services.AddHealthChecks().AddDbContextCheck<CommerceDbContext>("commerce-database", tags: [HealthEndpoints.ReadyTag]);
        services.AddMigrateOnStartup<CommerceDbContext>(config);

        // Saleor is down → ACP answers 503, but runs and the rest of the gateway carry on: report, don't leave rotation.
        services.AddSaleorClient(config);
        services.AddHealthChecks().AddSaleorReadiness(requireAppToken: true, failureStatus: HealthStatus.Degraded);
        services.AddSingleton<SaleorCommerce>();

        services.AddSingleton<AcpPlatformKeys>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeper>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<PaymentAttempts>();
        services.AddScoped<CheckoutSessions>();
        services.AddScoped<CompleteCheckout>();

        var payments = config.GetSection(PaymentOptions.Section).Get<PaymentOptions>() ?? new PaymentOptions();
        var acp = config.GetSection(AcpOptions.Section).Get<AcpOptions>() ?? new AcpOptions();
        if (payments.TestPsp.Enabled)
        {
            services.AddSingleton<IPaymentProvider>(sp => new TestPspProvider(sp.GetRequiredService<IDbContextFactory<CommerceDbContext>>(),
                sp.GetRequiredService<IOptions<PaymentOptions>>(), sp.GetRequiredService<TimeProvider>())
            {
                MerchantId = acp.Merchant.Id,
                DelegatePath = acp.BasePath.TrimEnd('/') + "/agentic_commerce/delegate_payment",
            });
            services.AddSingleton<DelegatePayment>();
        }
        if (payments.Stripe.Enabled)
        {
            services.AddStripeClient(config);
            services.AddSingleton<IPaymentProvider, StripePaymentProvider>();
        }
        services.AddSingleton<PaymentProviders>();

        services.AddValidatedOptions<FeedOptions>(config, FeedOptions.Section);
        services.AddSingleton<CatalogReader>();
        services.AddSingleton<FeedService>();

        services.AddHttpContextAccessor();
        services.AddScoped<McpContext>();
        services.AddSingleton<McpSessions>().AddHostedService(sp => sp.GetRequiredService<McpSessions>());
        services.AddSingleton<McpEndpoint>();
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new ModelContextProtocol.Protocol.Implementation { Name = "cmp-gateway", Title = "CMP agent commerce", Version = "1.0.0" };
                o.ServerInstructions = "Shop CMP's catalog of AI agents and credits for the signed-in buyer: search_catalog, get_product, "
                    + "create_checkout, update_checkout, complete_checkout (needs a delegated payment token and an idempotency_key), "
                    + "then list_my_agents, run_agent and get_credit_balance. Amounts are integer minor units (cents).";
            })
            .WithTools<CatalogTools>(McpJson)
            .WithTools<CheckoutTools>(McpJson)
            .WithTools<AccountTools>(McpJson)
            .WithTools<RunTools>(McpJson);

        services.AddHostedService<OrderEventWorker>();
        services.AddHostedService<OrderStatusWatcher>();
        services.AddHttpClient(OrderEventWorker.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        return builder;
    }

    /// <summary>Tool arguments and results in snake_case, like the rest of CMP's APIs. Nulls are written: the output
    /// schemas list every property as required (nullable where it may be absent), and clients validate against them.</summary>
    static readonly System.Text.Json.JsonSerializerOptions McpJson = new(ModelContextProtocol.McpJsonUtilities.DefaultOptions)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public static WebApplication MapAgentCommerce(this WebApplication app)
    {
        if (!IsAgentCommerceEnabled(app.Configuration)) return app;
        var acp = app.Services.GetRequiredService<IOptions<AcpOptions>>().Value;
        var payments = app.Services.GetRequiredService<IOptions<PaymentOptions>>().Value;
        app.MapAcpApi(acp, payments);
        app.MapFeedApi(acp);
        var mcp = app.Services.GetRequiredService<IOptions<McpOptions>>().Value;
        if (mcp.Enabled) app.MapMcpApi(mcp);
        return app;
    }
}
