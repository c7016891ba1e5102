using Cmp.Saleor.GraphQL;

namespace Cmp.Saleor.Tests.GraphQL;

public sealed class GraphQLDefinitionReaderTests
{
    [Fact]
    public void Splits_definitions_and_finds_spreads_but_not_inline_fragments()
    {
        var defs = GraphQLDefinitionReader.Read(""""
            # comment with { braces } and ...NotASpread
            mutation M($s: String = "a } b ...Nope") {
              x(arg: """block { ... } "quoted" """) { ...A ... on T { ...B } ... @include(if: true) { c } }
            }
            fragment A on T { a }
            fragment B on T { ...A }
            """", "test.graphql");

        defs.Select(d => (d.Kind, d.Name)).Should().Equal((GraphQLDefinitionKind.Mutation, "M"), (GraphQLDefinitionKind.Fragment, "A"), (GraphQLDefinitionKind.Fragment, "B"));
        defs[0].Spreads.Should().Equal("A", "B");
        defs[2].Spreads.Should().Equal("A");
        defs[0].Text.Should().StartWith("mutation M(").And.EndWith("}");
    }

    [Theory]
    [InlineData("{ shop { name } }", "anonymous operations are not allowed")]
    [InlineData("query { shop { name } }", "a query needs a name")]
    [InlineData("query A { shop { name }", "'A' has no closing '}'")]
    [InlineData("query A { x(s: \"unterminated) }", "unterminated string")]
    [InlineData("schema { query: Query }", "expected query, mutation, subscription or fragment")]
    public void Malformed_documents_are_reported_with_the_file(string text, string message)
    {
        var act = () => GraphQLDefinitionReader.Read(text, "bad.graphql");

        act.Should().Throw<FormatException>().WithMessage($"bad.graphql: *{message}*");
    }
}
