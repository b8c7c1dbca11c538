namespace CamStudio.Core.Cluster;

/// <summary>
/// Which node serves each camera: health checks, poster grabs and streams run only on the camera's owner. One node owns
/// every camera (<see cref="SingleNodeOwnership"/>); in a cluster the owner is the node holding the camera's lease, and
/// the answers change as leases are claimed, renewed and lost. Answers come from memory, at once: they are asked on
/// request paths and in background loops every second.
/// </summary>
public interface ICameraOwnership
{
    /// <summary>True when this node serves <paramref name="cameraId"/> now (may check, grab and stream it).</summary>
    bool IsLocal(int cameraId);

    /// <summary>
    /// Who serves <paramref name="cameraId"/> now; null while nobody does (in a cluster: its lease expired and no node
    /// has claimed it yet, the camera is "moving").
    /// </summary>
    CameraOwner? OwnerOf(int cameraId);
}

/// <summary>The node serving a camera.</summary>
/// <param name="NodeName">The owner's <c>Cluster:NodeName</c>; null on a single node.</param>
/// <param name="IsLocal">True when the owner is this node.</param>
public sealed record CameraOwner(string? NodeName, bool IsLocal)
{
    /// <summary>This node, without a cluster: the owner of every camera.</summary>
    public static CameraOwner ThisNode { get; } = new(null, IsLocal: true);
}

/// <summary>Without a cluster this node owns every camera: every check, grab and stream runs here, as always.</summary>
public sealed class SingleNodeOwnership : ICameraOwnership
{
    public static SingleNodeOwnership Instance { get; } = new();

    public bool IsLocal(int cameraId) => true;

    public CameraOwner? OwnerOf(int cameraId) => CameraOwner.ThisNode;
}
