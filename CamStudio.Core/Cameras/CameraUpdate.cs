namespace CamStudio.Core.Cameras;

/// <summary>
/// A partial update: a field that is omitted (or null) keeps its stored value. An omitted or empty
/// <see cref="Password"/> keeps the stored password; <see cref="ClearPassword"/> removes it.
/// </summary>
public sealed class CameraUpdate
{
    public string? Name { get; set; }

    public CameraSourceKind? Source { get; set; }

    public string? IpAddress { get; set; }

    public int? RtspPort { get; set; }

    /// <summary>Changing the brand also switches to its preset paths unless the update sets the paths itself.</summary>
    public string? Brand { get; set; }

    public string? HdPath { get; set; }

    public string? SdPath { get; set; }

    public string? Username { get; set; }

    /// <summary>Write-only. Null or empty keeps the stored password.</summary>
    public string? Password { get; set; }

    /// <summary>True removes the stored password. Cannot be combined with a non-empty <see cref="Password"/>.</summary>
    public bool? ClearPassword { get; set; }

    public StreamQuality? StreamQuality { get; set; }

    /// <summary>Turns passing the camera's microphone to viewers on or off; omitted keeps the stored setting.</summary>
    public bool? Audio { get; set; }

    /// <summary>An empty string clears the description.</summary>
    public string? Description { get; set; }

    /// <summary>Cluster mode: the preferred node; omitted keeps the stored pin, an empty string removes it (automatic).</summary>
    public string? PinnedNode { get; set; }

    /// <summary>The camera's groups, replacing the stored set; omitted keeps them, an empty list removes the camera from every group.</summary>
    public IReadOnlyList<int>? Groups { get; set; }

    /// <summary>
    /// The <c>version</c> the client read. When given (here or as an <c>If-Match</c> header) and the camera has changed
    /// since, the update is refused with a concurrency conflict instead of overwriting someone else's edit.
    /// </summary>
    public int? Version { get; set; }
}
