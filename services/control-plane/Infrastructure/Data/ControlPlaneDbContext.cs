using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Infrastructure.Data;

/// <summary>The control plane's PostgreSQL database. Schema changes are hand-written migrations in
/// <c>Migrations/</c> (no Design package here); <c>SchemaDriftTests</c> proves they match this model.</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options)
{
    public DbSet<Offering> Offerings => Set<Offering>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControlPlaneDbContext).Assembly);
}
