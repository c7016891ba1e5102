using Cmp.Saleor.GraphQL;
using Cmp.Saleor.Webhooks;

namespace Cmp.Saleor.Tests.GraphQL;

/// <summary>The embedded documents are found by operation name, with their fragments resolved across files.</summary>
public sealed class SaleorOperationsTests
{
    [Fact]
    public void Every_graphql_file_of_the_library_is_embedded_and_assembles()
    {
        var ops = SaleorOperations.Default;
        var files = Directory.GetFiles(Path.Combine(Cmp.Testing.RepoPaths.Root, "libs", "Cmp.Saleor", "Operations"), "*.graphql", SearchOption.AllDirectories);
        var operationFiles = files.Where(f => !f.Contains($"{Path.DirectorySeparatorChar}fragments{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension).Order().ToArray();

        ops.Names.Should().Equal(operationFiles);
        ops.Fragments.Should().Contain(["OrderEventPayload", "MoneyFields", "MetadataFields", "CatalogProductAdmin"]);
    }

    [Fact]
    public void Fragments_are_appended_once_even_when_used_through_several_paths()
    {
        // OrderDetails spreads OrderEventPayload and uses MoneyFields/MetadataFields both directly and through it.
        var order = SaleorOperations.Default.Get("Order");

        order.Kind.Should().Be(GraphQLDefinitionKind.Query);
        order.Document.Should().StartWith("query Order(");
        foreach (var fragment in new[] { "OrderDetails", "OrderEventPayload", "MoneyFields", "MetadataFields" })
            Occurrences(order.Document, $"fragment {fragment} on").Should().Be(1, fragment);
        order.Document.Should().NotContain("fragment CheckoutFields", "only the fragments the operation needs are sent");
    }

    [Fact]
    public void Subscription_documents_are_deterministic_and_carry_their_nested_fragments()
    {
        var paid = SaleorOperations.Default.Get("OrderFullyPaid");

        paid.Kind.Should().Be(GraphQLDefinitionKind.Subscription);
        paid.IsQuery.Should().BeFalse();
        paid.Document.Should().Contain("... on OrderFullyPaid").And.Contain("fragment OrderEventPayload on Order").And.Contain("fragment MoneyFields on Money");
        SaleorOperations.FromAssemblies(typeof(SaleorOperations).Assembly).Get("OrderFullyPaid").Document.Should().Be(paid.Document);
        foreach (var webhook in SaleorWebhooks.All) SaleorOperations.Default.Contains(webhook.SubscriptionOperation).Should().BeTrue();
    }

    [Fact]
    public void Queries_and_declared_idempotent_mutations_are_retry_safe_and_other_mutations_are_not()
    {
        var ops = SaleorOperations.Default;

        ops.Get("VariantBySku").RetrySafe.Should().BeTrue();
        ops.Get("UpdatePrivateMetadata").RetrySafe.Should().BeTrue();
        ops.Get("CheckoutComplete").RetrySafe.Should().BeTrue("Saleor returns the existing order when completing again");
        foreach (var notTwice in new[] { "TransactionCreate", "OrderFulfill", "AppCreate", "AppTokenCreate", "ProductCreate", "WebhookCreate", "CheckoutLinesAdd", "OrderGrantRefundCreate" })
        {
            ops.Get(notTwice).Kind.Should().Be(GraphQLDefinitionKind.Mutation);
            ops.Get(notTwice).RetrySafe.Should().BeFalse(notTwice);
        }
    }

    [Fact]
    public void The_idempotent_marker_needs_a_reason_and_a_mutation()
    {
        var marked = SaleorOperations.FromTexts(("mutations/M.graphql", "# @idempotent sets a value\nmutation M { x { y } }"));
        var noReason = () => SaleorOperations.FromTexts(("mutations/M.graphql", "# @idempotent\nmutation M { x { y } }"));
        var onQuery = () => SaleorOperations.FromTexts(("queries/Q.graphql", "# @idempotent reads\nquery Q { x }"));

        marked.Get("M").RetrySafe.Should().BeTrue();
        noReason.Should().Throw<InvalidOperationException>().WithMessage("*must say why*");
        onQuery.Should().Throw<InvalidOperationException>().WithMessage("*only mutations*");
    }

    [Fact]
    public void Fragments_resolve_across_files_in_first_use_order()
    {
        var ops = SaleorOperations.FromTexts(
            ("queries/A.graphql", "# header comment\nquery A { shop { ...Outer } }"),
            ("fragments/Outer.graphql", "fragment Outer on Shop { name ...Inner ... on Shop { ...Inner } }"),
            ("fragments/Inner.graphql", "fragment Inner on Shop { schemaVersion }"),
            ("fragments/Unused.graphql", "fragment Unused on Shop { name }"));

        ops.Get("A").Document.Should().Be(
            "query A { shop { ...Outer } }\n\nfragment Outer on Shop { name ...Inner ... on Shop { ...Inner } }\n\nfragment Inner on Shop { schemaVersion }");
    }

    [Fact]
    public void An_unknown_fragment_fails_when_the_documents_are_loaded()
    {
        var act = () => SaleorOperations.FromTexts(("queries/A.graphql", "query A { shop { ...Missing } }"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*operation 'A' uses the unknown fragment 'Missing'*");
    }

    [Fact]
    public void Duplicate_names_and_misnamed_files_fail_when_loaded()
    {
        var duplicate = () => SaleorOperations.FromTexts(
            ("fragments/F.graphql", "fragment F on Shop { name }"), ("fragments/G.graphql", "fragment F on Shop { name }"));
        var misnamed = () => SaleorOperations.FromTexts(("queries/B.graphql", "query A { shop { name } }"));
        var twoOps = () => SaleorOperations.FromTexts(("queries/A.graphql", "query A { shop { name } } query B { shop { name } }"));

        duplicate.Should().Throw<InvalidOperationException>().WithMessage("Duplicate GraphQL fragment 'F'*");
        misnamed.Should().Throw<InvalidOperationException>().WithMessage("*file name must equal the operation name 'A'*");
        twoOps.Should().Throw<InvalidOperationException>().WithMessage("*keep one operation per file*");
    }

    [Fact]
    public void An_unknown_operation_name_says_where_to_add_it()
    {
        var act = () => SaleorOperations.Default.Get("NoSuchThing");

        act.Should().Throw<KeyNotFoundException>().WithMessage("*NoSuchThing*Operations/<kind>/NoSuchThing.graphql*");
    }

    static int Occurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
