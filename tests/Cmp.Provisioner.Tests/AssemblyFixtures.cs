using Cmp.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
