namespace Cmp.Dev;

/// <summary>The fixed dev ports, each overridable by an environment variable (CMP_&lt;COMPONENT&gt;_PORT).</summary>
public sealed record DevPorts(int Gateway, int ControlPlane, int Provisioner, int Runner, int Saleor, int Langflow, int Identity, int Postgres)
{
    public static DevPorts FromEnvironment() => new(
        Port("CMP_GATEWAY_PORT", 8080),
        Port("CMP_CONTROL_PLANE_PORT", 8081),
        Port("CMP_PROVISIONER_PORT", 8082),
        Port("CMP_RUNNER_PORT", 8083),
        Port("CMP_SALEOR_PORT", 8000),
        Port("CMP_LANGFLOW_PORT", 7860),
        Port("CMP_IDENTITY_PORT", 8180),
        Port("CMP_POSTGRES_PORT", 55432));

    static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var p) && p is > 0 and < 65536 ? p : fallback;

    public static Uri Loopback(int port) => new($"http://127.0.0.1:{port}");
}
