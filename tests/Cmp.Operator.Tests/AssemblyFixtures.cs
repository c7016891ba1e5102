using Cmp.Operator.Tests.Support;
using Cmp.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(SaleorFixture))]
