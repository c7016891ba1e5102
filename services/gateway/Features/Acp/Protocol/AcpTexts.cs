using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>
/// The human-readable texts of ACP responses (<c>messages[].content</c>, <c>Error.message</c>, totals' display texts),
/// in the locales the seller supports. <c>Accept-Language</c> picks one (q-values honoured); English is the fallback.
/// Texts are plain text, never markdown, so they can hold no HTML.
/// </summary>
public static class AcpTexts
{
    public const string DefaultLocale = "en-US";

    /// <summary>Locales the discovery document advertises (BCP 47).</summary>
    public static readonly IReadOnlyList<string> SupportedLocales = ["en-US", "fr-FR"];

    static readonly Dictionary<string, (string En, string Fr)> Texts = new(StringComparer.Ordinal)
    {
        ["total.items_base_amount"] = ("Items", "Articles"),
        ["total.items_discount"] = ("Item discounts", "Remises sur les articles"),
        ["total.subtotal"] = ("Subtotal", "Sous-total"),
        ["total.discount"] = ("Discount", "Remise"),
        ["total.fulfillment"] = ("Shipping", "Livraison"),
        ["total.tax"] = ("Tax", "Taxes"),
        ["total.total"] = ("Total", "Total"),
        ["line.base"] = ("Base amount", "Montant de base"),
        ["digital.title"] = ("Digital delivery", "Livraison numérique"),
        ["digital.description"] = ("Delivered to your account as soon as the order is paid.", "Livré sur votre compte dès le paiement de la commande."),
        ["shipping.description"] = ("Delivered in {0} to {1} business days.", "Livré sous {0} à {1} jours ouvrés."),
        ["msg.missing_email"] = ("Add the buyer's e-mail address: the order and the agents it buys belong to it.",
            "Ajoutez l'adresse e-mail de l'acheteur : la commande et les agents achetés lui sont rattachés."),
        ["msg.invalid_email"] = ("The e-mail address is not valid.", "L'adresse e-mail n'est pas valide."),
        ["msg.missing_address"] = ("Add a shipping address.", "Ajoutez une adresse de livraison."),
        ["msg.invalid_address"] = ("The address is not valid: {0}", "L'adresse n'est pas valide : {0}"),
        ["msg.missing_fulfillment"] = ("Choose a shipping option.", "Choisissez une option de livraison."),
        ["msg.invalid_fulfillment"] = ("Shipping option '{0}' is not available for this checkout; choose one of the fulfillment options.",
            "L'option de livraison « {0} » n'est pas disponible pour cette commande ; choisissez parmi les options proposées."),
        ["msg.no_shipping_to"] = ("There is no shipping to {0} for these items.", "Ces articles ne peuvent pas être livrés en {0}."),
        ["msg.empty"] = ("Add at least one item.", "Ajoutez au moins un article."),
        ["msg.out_of_stock"] = ("{0} is out of stock: {1} available, {2} requested.", "{0} est en rupture de stock : {1} disponible(s), {2} demandé(s)."),
        ["msg.quantity_limit"] = ("{0}: at most {1} per order.", "{0} : {1} au maximum par commande."),
        ["msg.unavailable"] = ("{0} can no longer be bought.", "{0} n'est plus disponible à l'achat."),
        ["msg.not_purchasable"] = ("{0} cannot be bought through an AI agent.", "{0} ne peut pas être acheté par un agent IA."),
        ["msg.payment_declined"] = ("The payment was declined: {0}", "Le paiement a été refusé : {0}"),
        ["msg.requires_3ds"] = ("The card issuer requires 3-D Secure authentication, which this API version cannot carry; pay with another card.",
            "L'émetteur de la carte exige une authentification 3-D Secure, impossible avec cette version de l'API ; payez avec une autre carte."),
        ["msg.authenticate"] = ("The card issuer requires 3-D Secure authentication: authenticate the buyer and complete again with authentication_result.",
            "L'émetteur de la carte exige une authentification 3-D Secure : authentifiez l'acheteur puis finalisez avec authentication_result."),
        ["msg.price_changed"] = ("Prices changed since this checkout was last shown; the total is now {0}. Review it and complete again.",
            "Les prix ont changé depuis le dernier affichage ; le total est maintenant de {0}. Vérifiez-le puis finalisez à nouveau."),
        ["msg.refunded"] = ("The order could not be placed ({0}); the payment was refunded.", "La commande n'a pas pu être passée ({0}) ; le paiement a été remboursé."),
        ["err.unauthorized"] = ("Send the API key the merchant issued to your platform as 'Authorization: Bearer' followed by the key.",
            "Envoyez la clé API que le marchand a fournie à votre plateforme dans « Authorization: Bearer » suivi de la clé."),
        ["err.rate_limited"] = ("Too many requests from your platform; retry after the number of seconds in Retry-After.",
            "Trop de requêtes de votre plateforme ; réessayez après le nombre de secondes indiqué dans Retry-After."),
        ["err.missing_version"] = ("The API-Version header is required.", "L'en-tête API-Version est obligatoire."),
        ["err.unsupported_version"] = ("API-Version {0} is not supported.", "La version d'API {0} n'est pas prise en charge."),
        ["err.not_found"] = ("Checkout session {0} does not exist.", "La session de paiement {0} n'existe pas."),
        ["err.invalid_json"] = ("The request body is not valid JSON: {0}", "Le corps de la requête n'est pas un JSON valide : {0}"),
        ["err.invalid_body"] = ("The request body does not match the schema: {0}", "Le corps de la requête ne respecte pas le schéma : {0}"),
        ["err.unknown_item"] = ("The item '{0}' does not exist.", "L'article « {0} » n'existe pas."),
        ["err.item_not_purchasable"] = ("The item '{0}' cannot be bought through an AI agent.", "L'article « {0} » ne peut pas être acheté par un agent IA."),
        ["err.currency"] = ("This merchant sells in {0}; '{1}' is not available.", "Ce marchand vend en {0} ; « {1} » n'est pas disponible."),
        ["err.session_closed"] = ("Checkout session {0} is {1} and can no longer change.", "La session de paiement {0} est {1} et ne peut plus changer."),
        ["err.not_cancelable"] = ("Checkout session {0} is {1} and cannot be canceled.", "La session de paiement {0} est {1} et ne peut pas être annulée."),
        ["err.expired"] = ("Checkout session {0} has expired; create a new one.", "La session de paiement {0} a expiré ; créez-en une nouvelle."),
        ["err.requires_3ds"] = ("This checkout session requires issuer authentication: send authentication_result from the 3-D Secure flow.",
            "Cette session exige une authentification de l'émetteur : envoyez authentication_result issu du parcours 3-D Secure."),
        ["err.missing_billing"] = ("A billing address is required: send payment_data.billing_address (or a fulfillment address first).",
            "Une adresse de facturation est requise : envoyez payment_data.billing_address (ou d'abord une adresse de livraison)."),
        ["err.unknown_handler"] = ("Payment handler '{0}' is not offered; use one of capabilities.payment.handlers.",
            "Le moyen de paiement « {0} » n'est pas proposé ; utilisez l'un de capabilities.payment.handlers."),
        ["err.unsupported_payment"] = ("{0}", "{0}"),
        ["err.complete_in_progress"] = ("Another completion of this checkout session is in progress; retry shortly.",
            "Une autre finalisation de cette session est en cours ; réessayez dans un instant."),
    };

    /// <summary>The best supported locale for an <c>Accept-Language</c> header value.</summary>
    public static string Negotiate(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage)) return DefaultLocale;
        if (!StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var values)) return DefaultLocale;
        foreach (var v in values.Where(v => (v.Quality ?? 1) > 0).OrderByDescending(v => v.Quality ?? 1))
        {
            var tag = v.Value.Value ?? "";
            var exact = SupportedLocales.FirstOrDefault(l => string.Equals(l, tag, StringComparison.OrdinalIgnoreCase));
            if (exact is not null) return exact;
            var language = tag.Split('-')[0];
            var byLanguage = SupportedLocales.FirstOrDefault(l => l.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase));
            if (byLanguage is not null) return byLanguage;
        }
        return DefaultLocale;
    }

    public static string Get(string locale, string key, params object?[] args)
    {
        if (!Texts.TryGetValue(key, out var t)) throw new KeyNotFoundException($"No ACP text '{key}'.");
        var template = locale.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? t.Fr : t.En;
        return args.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, args);
    }

    /// <summary>For tests: every key has both languages.</summary>
    internal static IEnumerable<string> Keys => Texts.Keys;
}
