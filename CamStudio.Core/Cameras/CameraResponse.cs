namespace CamStudio.Core.Cameras;

/// <summary>A stored camera as clients see it. Carries <see cref="HasPassword"/>, never the password.</summary>
public record CameraResponse
{
    public required int CameraId { get; init; }
    public required string Name { get; init; }
    public required CameraSourceKind Source { get; init; }
    public required string IpAddress { get; init; }
    public required int RtspPort { get; init; }
    public required string Brand { get; init; }
    public required string HdPath { get; init; }
    public required string SdPath { get; init; }
    public required string Username { get; init; }
    public required bool HasPassword { get; init; }
    public required StreamQuality StreamQuality { get; init; }

    /// <summary>Whether the camera's microphone is passed to viewers.</summary>
    public required bool Audio { get; init; }

    public required string Description { get; init; }

    /// <summary>Cluster mode: the preferred node, or null for automatic placement.</summary>
    public string? PinnedNode { get; init; }

    /// <summary>Ids of the groups the camera belongs to, ascending.</summary>
    public IReadOnlyList<int> Groups { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The optimistic concurrency token; send it back in an update (or as <c>If-Match</c>).</summary>
    public required int Version { get; init; }

    /// <summary>Projects a stored camera; the password never leaves this layer.</summary>
    /// <param name="camera">The stored camera.</param>
    /// <param name="groups">The ids of its groups (the membership rows are not part of the entity).</param>
    public static CameraResponse FromEntity(Camera camera, IEnumerable<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return new CameraResponse
        {
            CameraId = camera.Id,
            Name = camera.Name,
            Source = camera.Source,
            IpAddress = camera.IpAddress,
            RtspPort = camera.RtspPort,
            Brand = camera.Brand,
            HdPath = camera.HdPath,
            SdPath = camera.SdPath,
            Username = camera.Username,
            HasPassword = camera.ProtectedPassword is not null,
            StreamQuality = camera.StreamQuality,
            Audio = camera.Audio,
            Description = camera.Description,
            PinnedNode = camera.PinnedNode,
            Groups = groups is null ? [] : [.. groups.Order()],
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(camera.CreatedAt, DateTimeKind.Utc)),
            UpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(camera.UpdatedAt, DateTimeKind.Utc)),
            Version = camera.Version,
        };
    }
}
