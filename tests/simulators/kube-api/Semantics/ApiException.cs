using System.Text.Json.Nodes;
using Cmp.Simulators.KubeApi.Storage;

namespace Cmp.Simulators.KubeApi.Semantics;

/// <summary>A failed request, answered as a <c>metav1.Status</c> with the code and reason the real API server uses.</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.DeepClone(),
        ["code"] = Code,
    };

    static JsonObject Details_(ResourceDefinition d, string name) => new() { ["name"] = name, ["group"] = d.Group, ["kind"] = d.Plural };

    public static ApiException NotFound(ResourceDefinition d, string name) =>
        new(404, "NotFound", $"{d.GroupResource} \"{name}\" not found", Details_(d, name));

    public static ApiException AlreadyExists(ResourceDefinition d, string name) =>
        new(409, "AlreadyExists", $"{d.GroupResource} \"{name}\" already exists", Details_(d, name));

    public static ApiException Conflict(ResourceDefinition d, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {d.GroupResource} \"{name}\": {why}", Details_(d, name));

    public static ApiException Invalid(ResourceDefinition d, string name, IReadOnlyList<(string Field, string Reason, string Message)> causes)
    {
        var details = Details_(d, name);
        details["kind"] = d.Kind;
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field,
        }).ToArray());
        var text = string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        return new(422, "Invalid", $"{d.Kind}.{d.Group} \"{name}\" is invalid: {text}", details);
    }

    public static ApiException Gone(string message) => new(410, "Expired", message);
    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);
    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);
    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);
    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");
}
