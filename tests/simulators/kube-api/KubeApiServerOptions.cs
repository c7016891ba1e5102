namespace Cmp.Simulators.KubeApi;

public sealed class KubeApiServerOptions
{
    /// <summary>CRD YAML files or folders to serve (e.g. charts/cmp/files/crds).</summary>
    public List<string> Crds { get; init; } = [];

    /// <summary>0 = any free port.</summary>
    public int Port { get; init; }

    /// <summary>Serve HTTPS with a generated cluster CA (<see cref="KubeApiServer.Certificates"/>).</summary>
    public bool Tls { get; init; }

    /// <summary>When set, requests need <c>Authorization: Bearer</c> with this token (or a client certificate when TLS is on).</summary>
    public string? Token { get; init; }

    /// <summary>Changes kept for watches; older resume points get 410 Gone.</summary>
    public int HistoryLimit { get; init; } = 1000;

    /// <summary>How often open watches that asked for bookmarks get one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public bool Quiet { get; init; } = true;
}
