using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Media.Streaming;

namespace CamStudio.Web.Cluster;

/// <summary>
/// What this node serves now, for its heartbeat (placement by load, plan §1.3) and for the status it publishes. The
/// coordinator replaces the simple source below with its own lease list (<see cref="CoordinatorLoadSource"/>).
/// </summary>
public interface INodeLoadSource
{
    ValueTask<NodeLoad> GetLoadAsync(CancellationToken cancellationToken);
}

/// <summary>A node's load: the cameras it owns, its running streams (FFmpeg processes) and its viewers.</summary>
public sealed record NodeLoad(IReadOnlyList<int> OwnedCameras, int RunningStreams, int Viewers)
{
    /// <summary>Plan §1.3: 1·owned cameras + 3·running streams + 0.2·viewers; the lowest score gets the next camera.</summary>
    public double Score => OwnedCameras.Count + (3.0 * RunningStreams) + (0.2 * Viewers);
}

/// <summary>
/// Owned = the cameras in the store that <see cref="ICameraOwnership"/> says are local; streams and viewers from
/// <see cref="CameraStreamHost"/>. Reads the camera list once per call (once a second), which the coordinator avoids.
/// </summary>
internal sealed class StreamHostLoadSource(ICameraStore cameras, ICameraOwnership ownership, CameraStreamHost streams) : INodeLoadSource
{
    public async ValueTask<NodeLoad> GetLoadAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> all = await cameras.ListAsync(cancellationToken);
        int[] owned = [.. all.Select(c => c.CameraId).Where(ownership.IsLocal)];
        IReadOnlyList<CameraStream> running = streams.Streams;
        return new NodeLoad(owned, running.Count(s => s.IsRunning), running.Sum(s => s.ViewerCount));
    }
}

/// <summary>
/// The fencing token of each camera this node holds (the coordinator's leases). Optional: without it statuses carry no
/// token and the newest one wins.
/// </summary>
public interface ICameraFencingTokens
{
    long? TokenOf(int cameraId);
}

/// <summary>
/// The load score of every node whose Redis heartbeat is fresh (this node's own included), for placement (plan §1.3).
/// A hint: empty or partial while Redis is down, and placement then counts leases instead.
/// </summary>
public interface INodeLoadHints
{
    IReadOnlyDictionary<string, double> FreshScores();
}

/// <summary>
/// <see cref="INodeLoadHints"/> from <see cref="NodeHeartbeatPublisher"/>, resolved at first use: the publisher reads the
/// load from the coordinator, which reads these hints, so neither may need the other to be built.
/// </summary>
internal sealed class HeartbeatLoadHints(Func<NodeHeartbeatPublisher> publisher, TimeProvider time) : INodeLoadHints
{
    private readonly Lazy<NodeHeartbeatPublisher> _publisher = new(publisher);

    public IReadOnlyDictionary<string, double> FreshScores()
    {
        NodeHeartbeatPublisher heartbeats = _publisher.Value;
        var scores = heartbeats.LiveNodes.ToDictionary(b => b.Node, b => b.Score, StringComparer.Ordinal);
        if (heartbeats.OwnBeat is { } own && time.GetUtcNow() - own.At < NodeHeartbeatPublisher.Expiry)
        {
            scores[own.Beat.Node] = own.Beat.Score;
        }

        return scores;
    }
}

/// <summary>
/// The coordinator's load: the cameras it holds a valid lease for (no store read), streams and viewers from
/// <see cref="CameraStreamHost"/>. Replaces <see cref="StreamHostLoadSource"/> when the coordinator is registered.
/// </summary>
internal sealed class CoordinatorLoadSource(ClusterCoordinator coordinator, CameraStreamHost streams) : INodeLoadSource
{
    public ValueTask<NodeLoad> GetLoadAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraStream> running = streams.Streams;
        return ValueTask.FromResult(new NodeLoad([.. coordinator.LocalCameras], running.Count(s => s.IsRunning), running.Sum(s => s.ViewerCount)));
    }
}
