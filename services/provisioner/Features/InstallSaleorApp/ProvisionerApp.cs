namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>The Saleor app the provisioner runs as, and why each permission is granted (least privilege; see README).</summary>
public static class ProvisionerApp
{
    public const string Identifier = "cmp-provisioner";
    public const string Name = "cmp-provisioner";

    /// <summary>Name given to app tokens the installer creates (tokens are listed under the app in Saleor's dashboard).</summary>
    public const string TokenName = "cmp-provisioner (saleor install)";

    /// <summary>
    /// MANAGE_ORDERS: Saleor delivers ORDER_FULLY_PAID / ORDER_REFUNDED / ORDER_FULLY_REFUNDED / ORDER_CANCELLED only
    /// to apps holding it, and the provisioner reads orders (lines, variants, customer), tags them in private metadata
    /// and fulfils digital lines with it. Nothing else: the catalog is written by the installer with staff credentials
    /// and by the control plane's operator with its own token; payments belong to the gateway.
    /// </summary>
    public static readonly IReadOnlyList<string> Permissions = ["MANAGE_ORDERS"];
}
