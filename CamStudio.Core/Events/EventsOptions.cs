using System.ComponentModel.DataAnnotations;

namespace CamStudio.Core.Events;

/// <summary>Limits of the in-memory event log (section <c>Events</c>): whichever is reached first drops the oldest.</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>At most this many events are kept (~200 bytes each: 5000 is about 1 MB).</summary>
    [Range(10, 1_000_000)]
    public int MaxCount { get; set; } = 5000;

    /// <summary>Events older than this many days are dropped.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 7;
}
