namespace CamStudio.Core.Groups;

/// <summary>Camera groups. Every call uses its own short-lived database context.</summary>
public interface ICameraGroupStore
{
    /// <summary>Every group in list order, each with its camera ids.</summary>
    Task<IReadOnlyList<CameraGroupResponse>> ListAsync(CancellationToken cancellationToken);

    Task<CameraGroupResponse?> GetAsync(int groupId, CancellationToken cancellationToken);

    /// <summary>Adds a group (last unless a position is given).</summary>
    Task<CameraGroupResult> CreateAsync(CameraGroupRequest request, CancellationToken cancellationToken);

    /// <summary>Renames and/or moves a group; the others close up around the move.</summary>
    Task<CameraGroupResult> UpdateAsync(int groupId, CameraGroupRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes a group and its memberships (never its cameras); views of it fall back to all cameras.</summary>
    Task<bool> DeleteAsync(int groupId, CancellationToken cancellationToken);
}
