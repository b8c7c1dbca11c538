namespace CamStudio.Core.Groups;

/// <summary>
/// A named set of cameras ("Outside", "Garage") that the Live page filters by. A camera may belong to several groups;
/// membership is <see cref="CameraGroupMember"/>, so deleting a group removes memberships and never a camera.
/// </summary>
public sealed class CameraGroup
{
    public int Id { get; set; }

    /// <summary>The display name, trimmed.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The uniqueness key, built like a camera's (<see cref="Cameras.CameraValidator.NormalizeNameKey"/>).</summary>
    public string NormalizedName { get; set; } = string.Empty;

    /// <summary>0-based place in the group list (the order of the Live page's chips); the store keeps it dense.</summary>
    public int Position { get; set; }
}

/// <summary>One camera in one group (the join row; both sides cascade on delete).</summary>
public sealed class CameraGroupMember
{
    public int GroupId { get; set; }

    public int CameraId { get; set; }
}
