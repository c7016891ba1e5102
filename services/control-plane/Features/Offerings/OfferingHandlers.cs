using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Offerings;

public static class OfferingErrors
{
    public static Error NotFound(string sku) => Error.NotFound("offering_not_found", $"No offering has the SKU '{sku}'.");
    public static Error InUse(string sku, int count) => Error.Conflict("offering_in_use",
        $"{count} instances use '{sku}'; disable the offering instead of deleting it.");
}

sealed class OfferingHandlers(ControlPlaneDbContext db, TimeProvider clock, Cmp.ControlPlane.Infrastructure.Flows.FlowTemplateCatalog templates)
{
    /// <summary>SKUs are Saleor variant SKUs: letters, digits, dashes, underscores and dots.</summary>
    public static bool IsSku(string? sku) =>
        sku is { Length: > 0 and <= 100 } && sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public Result<OfferingSpec> Validate(string sku, OfferingSpec s)
    {
        var errors = new List<string>();
        if (!IsSku(sku)) errors.Add("sku must be 1-100 letters, digits, '-', '_' or '.'");
        if (s.Kind is not ("agent" or "credits")) errors.Add("kind must be 'agent' or 'credits'");
        if (string.IsNullOrWhiteSpace(s.DisplayName) || s.DisplayName.Length > 200) errors.Add("display_name must be 1-200 characters");
        if (!Money.IsCurrencyCode(s.Currency)) errors.Add("currency must be an ISO 4217 code such as USD");
        if (s.PriceMinor < 0) errors.Add("price_minor cannot be negative");
        if (s.CreditsPerUnit < 0) errors.Add("credits_per_unit cannot be negative");
        if (s.Kind == "credits" && s.CreditsPerUnit == 0) errors.Add("a credit pack must grant credits_per_unit > 0");
        if (s.Kind == "agent")
        {
            if (string.IsNullOrWhiteSpace(s.FlowTemplate)) errors.Add("an agent plan needs a flow_template");
            else if (!templates.Exists(s.FlowTemplate)) errors.Add($"flow_template '{s.FlowTemplate}' is not a known template ({string.Join(", ", templates.Names)})");
            if (RunPricing.Validate(s.CreditsPerRun, s.CreditsPer1kTokens, s.MaxCreditsPerRun) is { } pricing) errors.Add(pricing);
        }
        return errors.Count == 0 ? s : Error.Validation("invalid_offering", string.Join("; ", errors)).With("errors", errors);
    }

    public async Task<Result<(OfferingView Offering, bool Created)>> UpsertAsync(string sku, OfferingSpec spec, string managedBy, CancellationToken ct)
    {
        var valid = Validate(sku, spec);
        if (!valid.IsSuccess) return valid.Error;
        var now = clock.GetUtcNow();
        var existing = await db.Offerings.SingleOrDefaultAsync(o => o.Sku == sku, ct);
        var offering = existing ?? new Offering { Sku = sku, DisplayName = spec.DisplayName, Currency = spec.Currency, CreatedAt = now };
        offering.Kind = spec.Kind == "agent" ? OfferingKind.Agent : OfferingKind.Credits;
        offering.DisplayName = spec.DisplayName;
        offering.PriceMinor = spec.PriceMinor;
        offering.Currency = spec.Currency;
        offering.FlowTemplate = spec.Kind == "agent" ? spec.FlowTemplate : null;
        offering.CreditsPerUnit = spec.CreditsPerUnit;
        offering.CreditsPerRun = spec.CreditsPerRun;
        offering.CreditsPer1kTokens = spec.CreditsPer1kTokens;
        offering.MaxCreditsPerRun = spec.MaxCreditsPerRun;
        offering.Enabled = spec.Enabled;
        offering.ManagedBy = managedBy;
        if (existing is null) db.Offerings.Add(offering);
        if (existing is null || db.Entry(offering).State == EntityState.Modified) offering.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (Cmp.Data.PostgresErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await UpsertAsync(sku, spec, managedBy, ct);   // created concurrently: now it is an update
        }
        return (Views.Of(offering), existing is null);
    }

    /// <summary>
    /// Takes an offering off sale without deleting it (paid orders still provision, existing instances keep running).
    /// Only if <paramref name="managedBy"/> still manages it: an offering taken over meanwhile is left alone.
    /// Returns whether anything changed.
    /// </summary>
    public async Task<Result<bool>> DisableAsync(string sku, string managedBy, CancellationToken ct)
    {
        var changed = await db.Offerings.Where(o => o.Sku == sku && o.ManagedBy == managedBy && o.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Enabled, false).SetProperty(o => o.UpdatedAt, clock.GetUtcNow()), ct);
        return changed > 0;
    }

    public async Task<Result<Unit>> DeleteAsync(string sku, CancellationToken ct)
    {
        var offering = await db.Offerings.SingleOrDefaultAsync(o => o.Sku == sku, ct);
        if (offering is null) return Unit.Value;
        var used = await db.Instances.CountAsync(i => i.OfferingSku == sku, ct);
        if (used > 0) return OfferingErrors.InUse(sku, used);
        db.Offerings.Remove(offering);
        await db.SaveChangesAsync(ct);
        return Unit.Value;
    }
}
