using System.ComponentModel.DataAnnotations;

namespace CamStudio.Web.Security;

/// <summary>Limits of the security layer (section <c>Security</c>); the defaults suit a home or small-office install.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Sign-in form posts per client address per minute (429 with Retry-After beyond).</summary>
    [Range(1, 10_000)]
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>WebRTC offers, WHEP posts and HLS viewer openings per user (or address, when anonymous) per minute.</summary>
    [Range(1, 100_000)]
    public int OffersPerMinute { get; set; } = 600;

    /// <summary>
    /// Snapshot requests per user per minute. Home Assistant's generic camera polls its still image every 10 s, and
    /// about twice a second while someone looks at it: 240 leaves room for two such clients.
    /// </summary>
    [Range(1, 100_000)]
    public int SnapshotsPerMinute { get; set; } = 240;

    /// <summary>Concurrent viewer sessions one user may hold across all cameras (a grid of cameras in a few tabs fits).</summary>
    [Range(1, 10_000)]
    public int MaxViewerSessionsPerUser { get; set; } = 100;
}
