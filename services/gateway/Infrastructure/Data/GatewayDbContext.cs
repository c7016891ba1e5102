using Cmp.Gateway.Domain;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Infrastructure.Data;

/// <summary>
/// The gateway's run records, in schema <c>runs</c> of the gateway's database (<c>ConnectionStrings:Gateway</c>).
/// Other features of the gateway keep their own contexts, schemas and migration histories in the same database.
/// Migrations are hand-written in <c>Migrations/</c>; <c>MigrationTests</c> proves they match this model.
/// </summary>
public sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
    public const string Schema = "runs";

    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<CreditLease> CreditLeases => Set<CreditLease>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly,
            t => t.Namespace == typeof(EntityConfigurations.RunConfiguration).Namespace);
    }
}
