namespace CamStudio.Core.Groups;

/// <summary>A new group or a change to one. Omitted fields keep their value on update.</summary>
public sealed class CameraGroupRequest
{
    /// <summary>Required on create; trimmed; 1–40 characters; unique ignoring case and spacing.</summary>
    public string? Name { get; set; }

    /// <summary>0-based place in the list; omitted means last on create and unchanged on update. Larger values mean last.</summary>
    public int? Position { get; set; }
}

/// <summary>A stored group as clients see it, with the ids of its cameras (ascending).</summary>
public sealed record CameraGroupResponse(int GroupId, string Name, int Position, IReadOnlyList<int> CameraIds);

/// <summary>The outcome of a group write; switch on the concrete type.</summary>
public abstract record CameraGroupResult;

public sealed record CameraGroupSaved(CameraGroupResponse Group) : CameraGroupResult;

public sealed record CameraGroupNotFound(int GroupId) : CameraGroupResult;

/// <summary>Errors keyed by <see cref="CameraGroupFields"/>.</summary>
public sealed record CameraGroupInvalid(IReadOnlyDictionary<string, string[]> Errors) : CameraGroupResult;

/// <summary>Another group already has the name.</summary>
public sealed record CameraGroupDuplicateName : CameraGroupResult;
