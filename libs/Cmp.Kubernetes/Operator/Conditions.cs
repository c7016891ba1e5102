using Cmp.Kubernetes.Model;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// <c>meta.SetStatusCondition</c>: set or add a condition by type; <c>lastTransitionTime</c> moves only when the status
/// flips, so writing the same condition again is a no-op (and an unchanged status is never sent to the server).
/// </summary>
public static class Conditions
{
    public static List<Condition> Set(this List<Condition>? conditions, string type, bool status, string reason, string message,
        long? observedGeneration, DateTimeOffset now) =>
        conditions.Set(type, status ? ConditionStatus.True : ConditionStatus.False, reason, message, observedGeneration, now);

    public static List<Condition> Set(this List<Condition>? conditions, string type, string status, string reason, string message,
        long? observedGeneration, DateTimeOffset now)
    {
        conditions ??= [];
        var existing = conditions.Find(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = type, Status = status, Reason = reason, Message = message,
                ObservedGeneration = observedGeneration, LastTransitionTime = KubeTimeConverter.Truncate(now),
            });
            return conditions;
        }
        if (existing.Status != status) existing.LastTransitionTime = KubeTimeConverter.Truncate(now);
        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = observedGeneration;
        return conditions;
    }

    public static Condition? Get(this IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(this IEnumerable<Condition>? conditions, string type) =>
        conditions.Get(type)?.Status == ConditionStatus.True;

    public static bool Remove(this List<Condition>? conditions, string type) =>
        conditions?.RemoveAll(c => c.Type == type) > 0;
}
