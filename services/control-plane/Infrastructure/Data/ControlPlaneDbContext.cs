using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Infrastructure.Data;

/// <summary>The control plane's PostgreSQL database. Schema changes are hand-written migrations in
/// <c>Migrations/</c> (no Design package here); <c>MigrationTests</c> proves they match this model.</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options)
{
    public DbSet<Offering> Offerings => Set<Offering>();
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Instance> Instances => Set<Instance>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<CreditAccount> CreditAccounts => Set<CreditAccount>();
    public DbSet<CreditEntry> CreditEntries => Set<CreditEntry>();
    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControlPlaneDbContext).Assembly);
}
