using CamStudio.Core.Cameras;
using CamStudio.Web.Cluster;
using CamStudio.Web.Components.Cameras;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components.Status;

/// <summary>
/// Every camera's runtime status, pushed by the server (see <see cref="LiveRefreshComponent"/>); the camera list itself
/// is read once, the status arrives with every snapshot.
/// </summary>
public partial class StatusPage
{
    private List<CameraRow>? _rows;
    private DateTimeOffset _now;
    private IReadOnlyList<ClusterNodeView>? _nodes;

    [Inject]
    private ICameraStore Store { get; set; } = default!;

    /// <summary>Cluster mode adds the Node column and the Nodes table; a single node shows neither.</summary>
    [Inject]
    private IClusterView Cluster { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        IReadOnlyList<CameraResponse> cameras = await Store.ListAsync(CancellationToken.None);
        CameraStatusSnapshot snapshot = Notifier.Read(cameras.Select(c => c.CameraId));
        _now = snapshot.At;
        _rows = cameras.Select(c => CameraRow.Create(c, snapshot)).ToList();
        ReadNodes();
        Watch(cameras.Select(c => c.CameraId));
    }

    protected override void Refresh(CameraStatusSnapshot snapshot)
    {
        if (_rows is null)
        {
            return;
        }

        _now = snapshot.At;
        for (int i = 0; i < _rows.Count; i++)
        {
            _rows[i] = CameraRow.Create(_rows[i].Camera, snapshot);
        }

        // The heartbeats are re-read with every status push (the notifier sends one at least once a second).
        ReadNodes();
    }

    private void ReadNodes() => _nodes = Cluster.IsCluster ? Cluster.Nodes : null;
}
