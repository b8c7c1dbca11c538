using CamStudio.Media.Streaming;

namespace CamStudio.Web.Cluster;

/// <summary>
/// The cluster's stream admission (cluster-plan.md §1.2): FFmpeg (a launch, a supervisor relaunch, a one-shot grab) may
/// start only while this node holds the camera's lease with at least <see cref="ClusterCoordinator.StartMargin"/> of
/// its valid-until left, so nothing starts just before the fence timer would kill it, and nothing restarts after a
/// lease was lost until a fresh claim.
/// </summary>
public sealed class ClusterAdmission(ClusterCoordinator coordinator) : IStreamAdmission
{
    public bool MayRun(int cameraId) => coordinator.MayRun(cameraId);
}
