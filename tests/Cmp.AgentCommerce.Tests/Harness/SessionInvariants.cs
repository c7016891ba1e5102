using System.Text.Json;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>
/// What must hold on every session response beyond the schema (conformance checklist H): line and cart arithmetic
/// (75, 76, 78), a total once computable (77), unique line ids distinct from item ids (37), JSONPath params (80),
/// terms and privacy links (81), selections that point at offered options and existing lines (83), lower-case
/// currency (9), and the version's protocol/capability fields (40, 41, 42).
/// </summary>
public static class SessionInvariants
{
    public static void Check(AcpReply r, string version)
    {
        var s = r.Body;
        s.GetProperty("currency").GetString().Should().MatchRegex("^[a-z]{3}$", "currency is lower-case ISO 4217 (checklist 9)");
        var totals = s.GetProperty("totals").EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!, t => t.GetProperty("amount").GetInt64());
        totals.Should().ContainKey("total", "a total once computable (checklist 77)");
        long T(string k) => totals.GetValueOrDefault(k);
        T("subtotal").Should().Be(T("items_base_amount") - T("items_discount"), "subtotal = items_base_amount - items_discount (checklist 76)");
        T("total").Should().Be(T("items_base_amount") - T("items_discount") - T("discount") + T("fulfillment") + T("tax") + T("fee"), "cart identity (checklist 76)");
        totals.Values.Should().OnlyContain(v => v >= 0);

        var lines = s.GetProperty("line_items").EnumerateArray().ToArray();
        var lineIds = lines.Select(l => l.GetProperty("id").GetString()!).ToArray();
        lineIds.Should().OnlyHaveUniqueItems("line item ids are unique (checklist 37)");
        foreach (var l in lines)
        {
            l.GetProperty("id").GetString().Should().NotBe(l.GetProperty("item").GetProperty("id").GetString(), "a line id is not the item id (checklist 37)");
            long a(string name) => version == "2025-09-29"
                ? l.GetProperty(name).GetInt64()
                : l.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == (name == "base_amount" ? "items_base_amount" : name)).GetProperty("amount").GetInt64();
            a("subtotal").Should().Be(a("base_amount") - a("discount"), "line subtotal = base - discount (checklist 75)");
            a("total").Should().Be(a("base_amount") - a("discount") + a("tax"), "line total = base - discount + tax (checklist 75)");
        }
        T("items_base_amount").Should().Be(lines.Sum(l => version == "2025-09-29" ? l.GetProperty("base_amount").GetInt64()
            : l.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "items_base_amount").GetProperty("amount").GetInt64()));

        var options = s.GetProperty("fulfillment_options").EnumerateArray().ToArray();
        options.Select(o => o.GetProperty("id").GetString()).Should().OnlyHaveUniqueItems("option ids are unique (checklist 78)");
        if (version == "2025-09-29")
            foreach (var o in options)
                o.GetProperty("total").GetInt64().Should().Be(o.GetProperty("subtotal").GetInt64() + o.GetProperty("tax").GetInt64(), "option total = subtotal + tax (checklist 78)");

        foreach (var m in s.GetProperty("messages").EnumerateArray())
            if (m.TryGetProperty("param", out var p)) p.GetString().Should().StartWith("$", "params are JSONPath (checklist 80)");

        var links = s.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("type").GetString()).ToArray();
        links.Should().Contain(["terms_of_use", "privacy_policy"], "terms and privacy links (checklist 81)");

        var optionIds = options.Select(o => o.GetProperty("id").GetString()).ToHashSet();
        if (version == "2025-09-29")
        {
            s.GetProperty("payment_provider").GetProperty("provider").GetString().Should().Be("stripe", "checklist 41");
            if (s.TryGetProperty("fulfillment_option_id", out var sel)) optionIds.Should().Contain(sel.GetString(), "the selection is offered (checklist 36)");
        }
        else
        {
            s.GetProperty("protocol").GetProperty("version").GetString().Should().Be("2026-04-17", "checklist 42");
            s.GetProperty("capabilities").GetProperty("payment").GetProperty("handlers").GetArrayLength().Should().BeGreaterThan(0, "checklist 40");
            if (s.TryGetProperty("selected_fulfillment_options", out var selected))
                foreach (var so in selected.EnumerateArray())
                {
                    optionIds.Should().Contain(so.GetProperty("option_id").GetString(), "option_id is offered (checklist 83)");
                    so.GetProperty("item_ids").EnumerateArray().Select(i => i.GetString()).Should().BeSubsetOf(lineIds, "item_ids are lines (checklist 83)");
                }
        }
    }

    public static JsonElement Message(this AcpReply r, string code) => r.Messages.Single(m => m.TryGetProperty("code", out var c) && c.GetString() == code);
}
