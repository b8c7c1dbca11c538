namespace CamStudio.Core.Cameras;

/// <summary>
/// The stored configuration of one camera. Static configuration only: runtime state (is it streaming, who watches)
/// lives in the streams layer and is reported through <see cref="ICameraRuntimeStatusProvider"/>.
/// </summary>
public sealed class Camera
{
    public int Id { get; set; }

    /// <summary>The display name, trimmed.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// <see cref="CameraValidator.NormalizeNameKey"/> of <see cref="Name"/>; carries the unique index so that names
    /// differing only by case or spacing collide on every provider, without relying on a collation.
    /// </summary>
    public string NormalizedName { get; set; } = string.Empty;

    public CameraSourceKind Source { get; set; }

    /// <summary>IPv4/IPv6 literal or DNS host name; empty for the demo pattern.</summary>
    public string IpAddress { get; set; } = string.Empty;

    public int RtspPort { get; set; } = CameraDefaults.RtspPort;

    /// <summary>A <see cref="CameraBrandPresets"/> key.</summary>
    public string Brand { get; set; } = CameraBrandPresets.CustomKey;

    public string HdPath { get; set; } = CameraDefaults.HdPath;

    public string SdPath { get; set; } = CameraDefaults.SdPath;

    public string Username { get; set; } = string.Empty;

    /// <summary>The password encrypted by <see cref="Security.ICameraPasswordProtector"/>; null when none is set.</summary>
    public string? ProtectedPassword { get; set; }

    public StreamQuality StreamQuality { get; set; } = StreamQuality.Stream2;

    /// <summary>Pass the camera's microphone to viewers; off by default.</summary>
    public bool Audio { get; set; }

    public string Description { get; set; } = string.Empty;

    /// <summary>
    /// The cluster node this camera prefers to be served from (<see cref="Cluster.ClusterNodeName"/>); null = placed
    /// automatically. Ignored on a single node.
    /// </summary>
    public string? PinnedNode { get; set; }

    /// <summary>UTC, set by the store.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC, set by the store.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token: starts at 1 and the store increments it on every update.</summary>
    public int Version { get; set; }
}

/// <summary>Defaults applied when a request omits a field.</summary>
public static class CameraDefaults
{
    public const int RtspPort = 554;
    public const string HdPath = "stream1";
    public const string SdPath = "stream2";
    public const StreamQuality Quality = StreamQuality.Stream2;

    /// <summary>Audio is off until someone turns it on: a tile must never start making sound by surprise.</summary>
    public const bool Audio = false;
}
