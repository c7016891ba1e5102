using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Infrastructure.Commerce;

/// <summary>
/// Agent commerce's tables in the gateway's database, in their own PostgreSQL schema <c>commerce</c> with their own
/// migrations history (<c>commerce.__EFMigrationsHistory_commerce</c>), so they evolve independently of the gateway's other
/// tables. Schema changes are hand-written migrations in <c>Migrations/</c>; a test proves they match this model.
/// </summary>
public sealed class CommerceDbContext(DbContextOptions<CommerceDbContext> options) : DbContext(options)
{
    public const string Schema = "commerce";
    public const string HistoryTable = "__EFMigrationsHistory_commerce";

    public DbSet<CheckoutSessionRow> Sessions => Set<CheckoutSessionRow>();
    public DbSet<PaymentAttemptRow> PaymentAttempts => Set<PaymentAttemptRow>();
    public DbSet<IdempotencyRow> IdempotencyKeys => Set<IdempotencyRow>();
    public DbSet<VaultTokenRow> VaultTokens => Set<VaultTokenRow>();
    public DbSet<TestPspChargeRow> TestPspCharges => Set<TestPspChargeRow>();
    public DbSet<OrderEventRow> OrderEvents => Set<OrderEventRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CommerceDbContext).Assembly, t => t.Namespace == typeof(EntityConfigurations.SessionConfiguration).Namespace);
    }
}
