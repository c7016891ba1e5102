using Cmp.Gateway.Features.Acp;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Discovery;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Acp.Wire;
using Cmp.Gateway.Features.Mcp;
using Cmp.Gateway.Features.Payments;
using Cmp.Gateway.Features.Payments.TestPsp;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Apis;

/// <summary>
/// The ACP merchant API (acp.md §6) under <c>Acp:BasePath</c> (default <c>/acp</c>), for API versions 2025-09-29 and
/// 2026-04-17, negotiated per request by <c>API-Version</c>. Every route runs through <see cref="AcpEndpointFilter"/>
/// (auth, version, body, signature, idempotency) and answers ACP's own JSON, never problem+json.
/// </summary>
public static class AcpApi
{
    public static IEndpointRouteBuilder MapAcpApi(this IEndpointRouteBuilder app, AcpOptions options, PaymentOptions payments)
    {
        app.MapGet("/.well-known/acp.json", Discovery).AllowAnonymous().WithTags("ACP").WithName("AcpDiscovery");

        var checkout = app.MapGroup(options.BasePath).AllowAnonymous().WithTags("ACP")
            .AddEndpointFilter(new AcpEndpointFilter(AcpSurface.Checkout));
        checkout.MapPost("/checkout_sessions", Create).WithName("AcpCreateCheckoutSession").Produces(201).Produces(400);
        checkout.MapPost("/checkout_sessions/{id}", Update).WithName("AcpUpdateCheckoutSession").Produces(200).Produces(400).Produces(404);
        checkout.MapGet("/checkout_sessions/{id}", Get).WithName("AcpGetCheckoutSession").Produces(200).Produces(404);
        checkout.MapPost("/checkout_sessions/{id}/complete", Complete).WithName("AcpCompleteCheckoutSession").Produces(200).Produces(400).Produces(404);
        checkout.MapPost("/checkout_sessions/{id}/cancel", Cancel).WithName("AcpCancelCheckoutSession").Produces(200).Produces(404).Produces(405);

        if (payments.TestPsp.Enabled)
            app.MapGroup(options.BasePath).AllowAnonymous().WithTags("ACP test PSP")
                .AddEndpointFilter(new AcpEndpointFilter(AcpSurface.DelegatePayment))
                .MapPost("/agentic_commerce/delegate_payment", DelegatePayment).WithName("AcpDelegatePayment").Produces(201).Produces(400).Produces(422);

        // Anything else under the base path is an ACP 404, not the gateway's problem+json.
        checkout.Map("/{**rest}", (HttpContext http) => new AcpError(404, AcpError.InvalidRequest, "not_found",
            $"{http.Request.Method} {http.Request.Path} is not an ACP endpoint of this merchant.").ToResponse()).ExcludeFromDescription();
        return app;
    }

    static AcpResponse Discovery(HttpContext http, IOptions<AcpOptions> acp, IOptions<PaymentOptions> payments, IOptions<McpOptions> mcp)
    {
        var publicBase = acp.Value.PublicBaseUrl ?? new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");
        return AcpDiscovery.Build(acp.Value, payments.Value, mcp.Value.Enabled, publicBase);
    }

    static async Task<AcpResponse> Create(HttpContext http, CheckoutSessions sessions, PaymentProviders providers, CancellationToken ct)
    {
        var call = AcpCall.Of(http);
        var wire = AcpWires.For(call.Version);
        var command = wire.ParseCreate(call.Body, call.Locale);
        if (!command.TryGetValue(out var cmd, out var error)) return error.ToAcp().ToResponse();
        return Render(await sessions.CreateAsync(call.Owner, call.Version, cmd, call.Locale, ct), call, providers, 201);
    }

    static async Task<AcpResponse> Update(string id, HttpContext http, CheckoutSessions sessions, PaymentProviders providers, CancellationToken ct)
    {
        var call = AcpCall.Of(http);
        var command = AcpWires.For(call.Version).ParseUpdate(call.Body, call.Locale);
        if (!command.TryGetValue(out var cmd, out var error)) return error.ToAcp().ToResponse();
        return Render(await sessions.UpdateAsync(call.Owner, id, cmd, call.Locale, ct), call, providers, 200);
    }

    static async Task<AcpResponse> Get(string id, HttpContext http, CheckoutSessions sessions, PaymentProviders providers, CancellationToken ct)
    {
        var call = AcpCall.Of(http);
        return Render(await sessions.GetAsync(call.Owner, id, call.Locale, ct), call, providers, 200);
    }

    static async Task<AcpResponse> Complete(string id, HttpContext http, CompleteCheckout complete, PaymentProviders providers, CancellationToken ct)
    {
        var call = AcpCall.Of(http);
        var command = AcpWires.For(call.Version).ParseComplete(call.Body, call.Locale);
        if (!command.TryGetValue(out var cmd, out var error)) return error.ToAcp().ToResponse();
        return Render(await complete.CompleteAsync(call.Owner, id, cmd, call.Version, call.Locale, ct), call, providers, 200);
    }

    static async Task<AcpResponse> Cancel(string id, HttpContext http, CheckoutSessions sessions, PaymentProviders providers, CancellationToken ct)
    {
        var call = AcpCall.Of(http);
        var body = AcpWires.For(call.Version).ParseCancel(call.Body, call.Locale);
        if (!body.IsSuccess) return body.Error.ToAcp().ToResponse();
        return Render(await sessions.CancelAsync(call.Owner, id, call.Locale, ct), call, providers, 200);
    }

    static Task<AcpResponse> DelegatePayment(HttpContext http, DelegatePayment handler, CancellationToken ct) =>
        handler.HandleAsync(AcpCall.Of(http), ct);

    static AcpResponse Render(Result<CheckoutSessionView> result, AcpCall call, PaymentProviders providers, int status)
    {
        if (!result.TryGetValue(out var view, out var error)) return error.ToAcp().ToResponse();
        var context = new RenderContext(providers.All.Select(p => p.Describe(call.PublicBase)).ToArray());
        var body = AcpWires.For(call.Version).RenderSession(view with { Locale = call.Locale }, context);
        return AcpResponse.Json(status, body, AcpJson.Write);
    }
}
