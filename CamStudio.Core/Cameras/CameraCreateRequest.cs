namespace CamStudio.Core.Cameras;

/// <summary>
/// A new camera as a client sends it. Everything is nullable so that a missing field becomes a per-field validation
/// error (or a default) instead of a deserialization failure. A class, not a record: a record's generated
/// <c>ToString</c> would print the password into any log line that formats the request.
/// </summary>
public sealed class CameraCreateRequest
{
    /// <summary>Required; trimmed; at most 100 characters; unique ignoring case and spacing.</summary>
    public string? Name { get; set; }

    /// <summary><c>rtsp</c> (default) or <c>demo</c>.</summary>
    public CameraSourceKind? Source { get; set; }

    /// <summary>IPv4, IPv6 (without brackets) or DNS host name. Required unless <see cref="Source"/> is demo.</summary>
    public string? IpAddress { get; set; }

    /// <summary>1..65535, default 554.</summary>
    public int? RtspPort { get; set; }

    /// <summary>A preset key from <c>GET /api/cameras/presets</c>; default <c>custom</c>.</summary>
    public string? Brand { get; set; }

    /// <summary>RTSP path of the HD stream; defaults to the brand preset's path.</summary>
    public string? HdPath { get; set; }

    /// <summary>RTSP path of the SD stream; defaults to the brand preset's path.</summary>
    public string? SdPath { get; set; }

    public string? Username { get; set; }

    /// <summary>Write-only: stored encrypted and never returned.</summary>
    public string? Password { get; set; }

    /// <summary><c>stream1</c> (HD) or <c>stream2</c> (SD, default).</summary>
    public StreamQuality? StreamQuality { get; set; }

    /// <summary>Pass the camera's microphone to viewers; default false (off).</summary>
    public bool? Audio { get; set; }

    /// <summary>At most 1000 characters.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Cluster mode: the node to serve the camera from when it is live (a node name); null or empty = automatic.
    /// Ignored on a single node.
    /// </summary>
    public string? PinnedNode { get; set; }

    /// <summary>Ids of existing groups (<c>GET /api/groups</c>) the camera belongs to, each once; default none.</summary>
    public IReadOnlyList<int>? Groups { get; set; }
}
