namespace Cmp.Runner.Client.Contracts;

/// <summary>The runner's routes, shared by the server and this client.</summary>
public static class RunnerRoutes
{
    public const string Runs = "/v1/runs";
    public const string Flows = "/v1/flows";

    public static string Flow(Guid flowId) => $"{Flows}/{flowId:D}";
}
