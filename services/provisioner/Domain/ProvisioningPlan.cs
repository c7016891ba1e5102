using Cmp.Primitives;

namespace Cmp.Provisioner.Domain;

/// <summary>What an offering is, as far as turning order lines into work goes.</summary>
public sealed record OfferingTerms(string Sku, bool IsAgent, long CreditsPerUnit);

/// <summary>One agent instance to create: one unit of an agent-plan line. The key is the same however often the
/// order is processed, so the control plane creates it once.</summary>
public sealed record AgentUnit(string LineId, string Sku, int Unit, string IdempotencyKey);

/// <summary>Credits to grant for a credit-pack line (quantity × credits per unit), once per line.</summary>
public sealed record CreditGrant(string LineId, string Sku, long Amount, string IdempotencyKey);

/// <summary>A line CMP does not provision, with the reason (recorded, never retried).</summary>
public sealed record SkippedLine(string LineId, string? Sku, string Reason);

public sealed record PlannedLine(string LineId, string? Sku, int Quantity);

/// <summary>
/// Turns an order's lines into units of work keyed by (order id, line id, unit index). Pure: the same order always
/// gives the same plan, which is what makes reprocessing an order harmless.
/// </summary>
public sealed record ProvisioningPlan(IReadOnlyList<AgentUnit> Agents, IReadOnlyList<CreditGrant> Credits, IReadOnlyList<SkippedLine> Skipped)
{
    public static Result<ProvisioningPlan> For(string orderId, IEnumerable<PlannedLine> lines, IReadOnlyDictionary<string, OfferingTerms> offerings,
        int maxUnitsPerLine)
    {
        var agents = new List<AgentUnit>();
        var credits = new List<CreditGrant>();
        var skipped = new List<SkippedLine>();
        foreach (var line in lines)
        {
            if (line.Quantity <= 0) { skipped.Add(new(line.LineId, line.Sku, "quantity is zero")); continue; }
            if (line.Sku is null || !offerings.TryGetValue(line.Sku, out var offering))
            {
                skipped.Add(new(line.LineId, line.Sku, line.Sku is null ? "the line has no SKU" : $"unknown SKU '{line.Sku}': not a CMP offering"));
                continue;
            }
            if (offering.IsAgent)
            {
                if (line.Quantity > maxUnitsPerLine)
                    return Error.Validation("too_many_units",
                        $"Line {line.LineId} asks for {line.Quantity} instances of {line.Sku}; at most {maxUnitsPerLine} are provisioned automatically (Provisioning:MaxUnitsPerLine). Raise the limit or provision by hand, then replay.");
                for (var unit = 0; unit < line.Quantity; unit++)
                    agents.Add(new(line.LineId, line.Sku, unit, IdempotencyKey.Derive(orderId, line.LineId, unit.ToString(System.Globalization.CultureInfo.InvariantCulture)).Value));
            }
            else if (offering.CreditsPerUnit > 0)
            {
                credits.Add(new(line.LineId, line.Sku, checked(line.Quantity * offering.CreditsPerUnit), IdempotencyKey.Derive(orderId, line.LineId).Value));
            }
            else
            {
                skipped.Add(new(line.LineId, line.Sku, $"{line.Sku} grants no credits"));
            }
        }
        return new ProvisioningPlan(agents, credits, skipped);
    }
}
