using System.ComponentModel.DataAnnotations;

namespace CamStudio.Core.Webhooks;

/// <summary>Webhook delivery (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>One POST may take this long before it counts as a network failure (and is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per delivery, the first included.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Wait before the second attempt; each later wait is three times the one before (15 s, 45 s, 2 min 15 s, 6 min 45 s:
    /// five attempts span ~10 min, enough for a receiver's restart or a short outage).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events waiting for delivery; when full the oldest is dropped (and logged), the health checker never waits.</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>POSTs in flight at once across all webhooks.</summary>
    [Range(1, 64)]
    public int MaxConcurrentDeliveries { get; set; } = 4;
}
