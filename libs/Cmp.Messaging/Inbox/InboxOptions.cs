using System.ComponentModel.DataAnnotations;

namespace Cmp.Messaging.Inbox;

/// <summary>Bound from <c>Inbox</c>.</summary>
public sealed class InboxOptions
{
    /// <summary>After this many failed attempts a message is dead-lettered.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 10;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>A claimed message belongs to its worker this long; a crashed worker's messages come back after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
