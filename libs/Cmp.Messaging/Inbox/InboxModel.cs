using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cmp.Messaging.Inbox;

/// <summary>Adds the inbox table to any DbContext with one call in OnModelCreating (eShop's IntegrationEventLog idea).</summary>
public static class InboxModel
{
    public const string Table = "inbox_messages";

    public static ModelBuilder AddInbox(this ModelBuilder modelBuilder)
    {
        var b = modelBuilder.Entity<InboxMessage>();
        b.ToTable(Table, t => t.HasCheckConstraint("ck_inbox_messages_status", "status IN ('pending', 'done', 'dead')"));
        b.HasKey(x => x.Id).HasName("pk_inbox_messages");
        b.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        b.Property(x => x.Source).HasColumnName("source").HasMaxLength(50);
        b.Property(x => x.MessageKey).HasColumnName("message_key").HasMaxLength(200);
        b.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(100);
        b.Property(x => x.PartitionKey).HasColumnName("partition_key").HasMaxLength(200);
        b.Property(x => x.Payload).HasColumnName("payload");
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20)
            .HasConversion(new ValueConverter<InboxStatus, string>(v => v.ToString().ToLowerInvariant(), s => Enum.Parse<InboxStatus>(s, true)));
        b.Property(x => x.Attempts).HasColumnName("attempts");
        b.Property(x => x.DeliveryCount).HasColumnName("delivery_count");
        b.Property(x => x.ReceivedAt).HasColumnName("received_at");
        b.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        b.Property(x => x.ProcessedAt).HasColumnName("processed_at");
        b.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(2000);
        b.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(2000);
        // Duplicates are stopped by this index, not by looking first and inserting second.
        b.HasIndex(x => new { x.Source, x.MessageKey }).IsUnique().HasDatabaseName("ux_inbox_messages_key");
        b.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_inbox_messages_due");
        b.HasIndex(x => x.PartitionKey).HasDatabaseName("ix_inbox_messages_partition");
        return modelBuilder;
    }
}
