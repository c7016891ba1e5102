using Cmp.Saleor.Client;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>What to do to the cmp-provisioner app.</summary>
public sealed record AppPlan(bool Create, bool UpdatePermissions, bool Rename, IReadOnlyList<string> Changes, IReadOnlyList<string> Warnings)
{
    public bool HasChanges => Changes.Count > 0;
}

/// <summary>Pure: compare the app Saleor has with the one the provisioner needs.</summary>
public static class AppPlanner
{
    public static AppPlan Plan(SaleorApp? existing, IReadOnlyList<string> permissions)
    {
        var wanted = permissions.Order(StringComparer.Ordinal).ToArray();
        if (existing is null)
            return new AppPlan(true, false, false, [$"create with permissions {string.Join(", ", wanted)}"], []);

        var changes = new List<string>();
        var warnings = new List<string>();
        var have = existing.PermissionCodes;
        var missing = wanted.Except(have).ToArray();
        var extra = have.Except(wanted).ToArray();
        // Least privilege: the installer owns this app's permissions and converges them exactly.
        if (missing.Length > 0) changes.Add($"grant {string.Join(", ", missing)}");
        if (extra.Length > 0) changes.Add($"revoke {string.Join(", ", extra)} (not needed)");
        var rename = existing.Name != ProvisionerApp.Name;
        if (rename) changes.Add($"rename '{existing.Name}' → '{ProvisionerApp.Name}'");
        if (!existing.IsActive)
            warnings.Add("the app is deactivated: Saleor sends it no webhooks until it is activated (Saleor dashboard → Apps)");
        return new AppPlan(false, missing.Length + extra.Length > 0, rename, changes, warnings);
    }
}
