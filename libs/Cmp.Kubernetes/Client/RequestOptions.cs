namespace Cmp.Kubernetes.Client;

/// <summary>Query options of a list call.</summary>
public sealed record ListOptions
{
    /// <summary>e.g. <c>app=cmp,tier!=db</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>e.g. <c>metadata.name=foo</c>.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Page size; the client follows <c>continue</c> tokens until the list is complete.</summary>
    public int? Limit { get; init; }

    /// <summary>Where the server may answer from (<c>"0"</c> = any cached state; unset = most recent).</summary>
    public string? ResourceVersion { get; init; }
}

/// <summary>Query options of a watch call.</summary>
public sealed record WatchOptions
{
    /// <summary>Events after this version; unset replays the current state as ADDED events first.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }

    /// <summary>Ask for BOOKMARK events so a quiet watch still advances its resume point.</summary>
    public bool AllowBookmarks { get; init; } = true;

    /// <summary>The server ends the stream after this long; the caller resumes. client-go picks 5–10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>How a delete proceeds.</summary>
public sealed record DeleteOptions
{
    /// <summary><c>Background</c> (default), <c>Foreground</c> or <c>Orphan</c>.</summary>
    public string? PropagationPolicy { get; init; }

    /// <summary>Delete only if the object still has this resourceVersion (409 otherwise).</summary>
    public string? PreconditionResourceVersion { get; init; }

    /// <summary>Delete only if the object still has this uid (409 otherwise: it was replaced).</summary>
    public string? PreconditionUid { get; init; }
}

/// <summary>Server-side apply options: the field manager owns the fields it sends.</summary>
public sealed record ApplyOptions(string FieldManager, bool Force = false);

public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,
    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>).</summary>
    Json,
    /// <summary>Strategic merge patch: built-in types only; custom resources answer 415.</summary>
    StrategicMerge,
}

/// <summary>A patch body and how the server should read it.</summary>
public sealed record KubePatch(PatchType Type, string Body)
{
    public static KubePatch Merge(object body) => new(PatchType.Merge, Model.KubeJson.Serialize(body));
    public static KubePatch Json(string body) => new(PatchType.Json, body);

    public string ContentType => Type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        _ => "application/strategic-merge-patch+json",
    };
}
