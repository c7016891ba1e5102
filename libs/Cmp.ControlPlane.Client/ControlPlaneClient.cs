using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cmp.ControlPlane.Contracts;
using Cmp.Hosting;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.ControlPlane.Client;

/// <summary>HTTP implementation over the named client <c>control-plane</c> (timeouts, retries, breaker and the
/// service's own token come from <see cref="HttpClientExtensions.AddCmpHttpClient"/>).</summary>
public sealed class ControlPlaneClient(IHttpClientFactory clients) : IControlPlaneClient
{
    public const string ClientName = "control-plane";
    const string Service = "control_plane";

    public Task<Result<OfferingView>> GetOfferingAsync(string sku, CancellationToken ct) =>
        SendAsync<OfferingView>(HttpMethod.Get, $"v1/offerings/{Uri.EscapeDataString(sku)}", ct: ct);

    public Task<Result<TenantView>> ResolveTenantAsync(ResolveTenantRequest request, CancellationToken ct) =>
        SendAsync<TenantView>(HttpMethod.Post, "v1/tenants", request, idempotent: true, ct: ct);

    public Task<Result<CreditBalance>> GetCreditsAsync(Guid tenantId, CancellationToken ct) =>
        SendAsync<CreditBalance>(HttpMethod.Get, $"v1/tenants/{tenantId}/credits", ct: ct);

    public Task<Result<CreditEntryView>> GrantCreditsAsync(Guid tenantId, GrantRequest request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<CreditEntryView>(HttpMethod.Post, $"v1/tenants/{tenantId}/credits/grants", request, idempotencyKey, ct: ct);

    public Task<Result<CreditEntryView>> ClawBackAsync(Guid tenantId, ClawBackRequest request, CancellationToken ct) =>
        SendAsync<CreditEntryView>(HttpMethod.Post, $"v1/tenants/{tenantId}/credits/clawbacks", request, idempotent: true, ct: ct);

    public Task<Result<InstanceView>> CreateInstanceAsync(CreateInstanceRequest request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<InstanceView>(HttpMethod.Post, "v1/instances", request, idempotencyKey, ct: ct);

    public Task<Result<InstanceView>> GetInstanceAsync(Guid instanceId, CancellationToken ct) =>
        SendAsync<InstanceView>(HttpMethod.Get, $"v1/instances/{instanceId}", ct: ct);

    public async Task<Result<IReadOnlyList<InstanceView>>> ListOrderInstancesAsync(string orderId, CancellationToken ct) =>
        (await SendAsync<List<InstanceView>>(HttpMethod.Get, $"v1/instances?order_id={Uri.EscapeDataString(orderId)}&include_deleted=true", ct: ct))
        .Map(l => (IReadOnlyList<InstanceView>)l);

    public Task<Result<InstanceView>> SuspendInstanceAsync(Guid instanceId, SuspendRequest request, CancellationToken ct) =>
        SendAsync<InstanceView>(HttpMethod.Post, $"v1/instances/{instanceId}/suspend", request, idempotent: true, ct: ct);

    public Task<Result<VerifiedApiKey>> VerifyKeyAsync(string key, CancellationToken ct) =>
        SendAsync<VerifiedApiKey>(HttpMethod.Post, "v1/keys/verify", new VerifyKeyRequest(key), idempotent: true, ct: ct);

    public Task<Result<ReservationView>> ReserveAsync(Guid tenantId, ReserveRequest request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<ReservationView>(HttpMethod.Post, $"v1/tenants/{tenantId}/credits/reservations", request, idempotencyKey, ct: ct);

    public Task<Result<ReservationView>> CommitAsync(Guid reservationId, long amount, CancellationToken ct) =>
        SendAsync<ReservationView>(HttpMethod.Post, $"v1/reservations/{reservationId}/commit", new CommitRequest(amount), idempotent: true, ct: ct);

    public Task<Result<ReservationView>> ReleaseAsync(Guid reservationId, string? reason, CancellationToken ct) =>
        SendAsync<ReservationView>(HttpMethod.Post, $"v1/reservations/{reservationId}/release", new ReleaseRequest(reason), idempotent: true, ct: ct);

    public Task<Result<ReservationView>> ReduceAsync(Guid reservationId, long amount, CancellationToken ct) =>
        SendAsync<ReservationView>(HttpMethod.Post, $"v1/reservations/{reservationId}/reduce", new ReduceRequest(amount), idempotent: true, ct: ct);

    public Task<Result<ReservationView>> GetReservationAsync(Guid reservationId, CancellationToken ct) =>
        SendAsync<ReservationView>(HttpMethod.Get, $"v1/reservations/{reservationId}", ct: ct);

    public Task<Result<TenantView>> GetMyTenantAsync(string userToken, CancellationToken ct) =>
        SendAsync<TenantView>(HttpMethod.Get, "v1/tenants/me", userToken: userToken, ct: ct);

    public Task<Result<InstanceView>> GetInstanceAsUserAsync(Guid instanceId, string userToken, CancellationToken ct) =>
        SendAsync<InstanceView>(HttpMethod.Get, $"v1/instances/{instanceId}", userToken: userToken, ct: ct);

    public async Task<Result<IReadOnlyList<InstanceView>>> ListTenantInstancesAsync(Guid tenantId, string? userToken, CancellationToken ct) =>
        (await SendAsync<List<InstanceView>>(HttpMethod.Get, $"v1/tenants/{tenantId}/instances", userToken: userToken, ct: ct))
        .Map(l => (IReadOnlyList<InstanceView>)l);

    async Task<Result<T>> SendAsync<T>(HttpMethod method, string path, object? body = null, string? idempotencyKey = null,
        bool idempotent = false, string? userToken = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: CmpDefaults.Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (idempotent) request.Options.Set(ResilienceHandler.Idempotent, true);
        if (userToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return await RemoteErrors.FromResponseAsync(response, Service, ct);
            var value = await response.Content.ReadFromJsonAsync<T>(CmpDefaults.Json, ct);
            return value is null ? Error.Permanent("control_plane_empty_response", $"The control plane answered {path} with no body.") : value;
        }
        catch (Exception e) when (RemoteErrors.IsTransport(e) && !ct.IsCancellationRequested)
        {
            return RemoteErrors.FromException(e, Service);
        }
    }
}

public static class ControlPlaneClientExtensions
{
    /// <summary>The typed client, configured from <c>Http:control-plane</c> and authenticated with <c>ServiceAuth</c>.</summary>
    public static IServiceCollection AddControlPlaneClient(this IServiceCollection services, IConfiguration config)
    {
        services.AddCmpHttpClient(config, ControlPlaneClient.ClientName).WithServiceToken(config);
        services.AddSingleton<IControlPlaneClient, ControlPlaneClient>();
        return services;
    }
}
