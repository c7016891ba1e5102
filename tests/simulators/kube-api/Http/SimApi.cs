using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cmp.Simulators.KubeApi.Http;

/// <summary>Test controls over HTTP (<c>/_sim/…</c>), for when the fake runs as a separate process.</summary>
public static class SimApi
{
    public static void Map(WebApplication app, KubeApiServer server)
    {
        app.MapPost("/_sim/compact", () => { server.Store.Compact(); return Results.NoContent(); });
        app.MapPost("/_sim/watches/close", () => { server.Store.CloseWatches(); return Results.NoContent(); });
        app.MapPost("/_sim/faults", (Fault fault) => { server.Faults.Add(fault); return Results.NoContent(); });
        app.MapDelete("/_sim/faults", () => { server.Faults.Clear(); return Results.NoContent(); });
        app.MapGet("/_sim/requests", () => Results.Json(server.Requests.All, JsonSerializerOptions.Web));
        app.MapGet("/_sim/state", () => Results.Json(new { revision = server.Store.Revision, openWatches = server.Store.OpenWatches }));
    }
}
