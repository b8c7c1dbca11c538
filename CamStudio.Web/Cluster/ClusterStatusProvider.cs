using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;

namespace CamStudio.Web.Cluster;

/// <summary>
/// The app's <see cref="ICameraRuntimeStatusProvider"/> in cluster mode, so the status notifier and every page show every
/// camera without knowing about nodes: this node's own status (marked with its name) for the cameras it owns, the
/// owner's published status for the others, and "moving" (idle, no node) while nobody's status is fresh.
/// </summary>
public sealed class ClusterStatusProvider(
    ICameraRuntimeStatusProvider local, ClusterStatusBus bus, ICameraOwnership ownership, ClusterNodeIdentity identity)
    : ICameraRuntimeStatusProvider
{
    public CameraRuntimeStatus GetStatus(int cameraId)
    {
        if (ownership.IsLocal(cameraId))
        {
            return local.GetStatus(cameraId) with { Node = identity.Name };
        }

        return bus.Find(cameraId)?.Status ?? CameraRuntimeStatus.Idle(cameraId);
    }
}
