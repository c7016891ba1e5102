using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Cmp.Primitives;

namespace Cmp.ControlPlane.Infrastructure.Flows;

/// <summary>Imports and removes flows through the runner's flow API (<c>PUT</c>/<c>DELETE /v1/flows/{id}</c>).</summary>
sealed class RunnerFlowDeployer(IHttpClientFactory clients) : IFlowDeployer
{
    public const string ClientName = "runner";

    public async Task<Result<Unit>> ImportAsync(Guid flowId, JsonObject flow, CancellationToken ct)
    {
        using var response = await clients.CreateClient(ClientName).PutAsJsonAsync($"v1/flows/{flowId}", flow, ct);
        return await OutcomeAsync(response, "import", ct);
    }

    public async Task<Result<Unit>> DeleteAsync(Guid flowId, CancellationToken ct)
    {
        using var response = await clients.CreateClient(ClientName).DeleteAsync($"v1/flows/{flowId}", ct);
        return response.StatusCode == HttpStatusCode.NotFound ? Unit.Value : await OutcomeAsync(response, "delete", ct);
    }

    static async Task<Result<Unit>> OutcomeAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return Unit.Value;
        var detail = await ProblemDetailAsync(response, ct);
        var message = $"runner answered {(int)response.StatusCode} to the flow {what}: {detail}";
        return (int)response.StatusCode switch
        {
            400 or 404 or 409 or 422 => Error.Validation("flow_rejected", message),
            401 or 403 => Error.Permanent("runner_auth", message + " (check ServiceAuth and the runner's Auth settings)"),
            _ => Error.Transient("runner_error", message),
        };
    }

    static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            return body?["detail"]?.ToString() ?? body?["title"]?.ToString() ?? "no detail";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            return "no detail";
        }
    }
}
