using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>A run request that passed validation.</summary>
public sealed record ValidRunRequest(Guid InstanceId, string Input, string? SessionId, bool Stream, string? IdempotencyKey)
{
    /// <summary>Identifies the request a key was used with: same instance, input, session and mode.</summary>
    public string Hash() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"{InstanceId:N}\n{Stream}\n{SessionId?.Length}:{SessionId}\n{Input}")));
}

/// <summary>Checks a run request at the edge, listing every broken field (nothing is reserved or run for a bad request).</summary>
public static class RunValidation
{
    public const int MaxSessionIdLength = 200;

    public static Result<ValidRunRequest> Validate(CreateRunRequest? r, int maxInputLength)
    {
        if (r is null) return RunErrors.Validation([new("body", "body_required", "A JSON body is required: {\"instance_id\": …, \"input\": …}.")]);
        var errors = new List<FieldError>();
        if (r.InstanceId is null || r.InstanceId == Guid.Empty)
            errors.Add(new("instance_id", "instance_id_required", "instance_id is required: the id of the agent instance to run."));
        if (string.IsNullOrWhiteSpace(r.Input))
            errors.Add(new("input", "input_required", "input is required and must not be blank."));
        else if (r.Input.Length > maxInputLength)
            errors.Add(new("input", "input_too_long", $"input must be at most {maxInputLength} characters (it has {r.Input.Length})."));
        if (r.IdempotencyKey is not null && Cmp.Primitives.IdempotencyKey.Parse(r.IdempotencyKey) is { IsSuccess: false } badKey)
            errors.Add(new("Idempotency-Key", badKey.Error.Code, badKey.Error.Message));
        if (r.SessionId is not null && (r.SessionId.Length is 0 or > MaxSessionIdLength || r.SessionId.Any(char.IsControl) || r.SessionId.Trim().Length == 0))
            errors.Add(new("session_id", "session_id_invalid", $"session_id must be 1 to {MaxSessionIdLength} printable characters."));
        return errors.Count > 0
            ? RunErrors.Validation(errors)
            : new ValidRunRequest(r.InstanceId!.Value, r.Input!, r.SessionId, r.Stream == true, r.IdempotencyKey);
    }
}
