using CamStudio.Core.Cameras;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Web.Health;

namespace CamStudio.Web.Services;

/// <summary>
/// The camera changes that must reach both the database and the running streams. The REST API and the pages both go
/// through here, so neither can save a camera and forget to restart its stream, or delete one and leave FFmpeg and its
/// viewers running, and the health monitor checks a new or edited camera at once. In a cluster the camera's FFmpeg runs
/// on its owner: an edit or delete made on another node is applied here (nothing runs here for it) and sent to the
/// owner (<see cref="IRemoteCameraOwners"/>), which returns after it restarted or stopped the stream, as on one node.
/// </summary>
public sealed class CameraCommands(
    ICameraStore store, CameraStreamHost streams, SnapshotService snapshots, PosterStore posters,
    HealthCheckRequests? healthChecks = null, IRemoteCameraOwners? owners = null)
{
    /// <summary>Stores a new camera; a saved one is health-checked at once rather than at its first turn.</summary>
    public async Task<CameraResult> CreateAsync(CameraCreateRequest request, CancellationToken cancellationToken)
    {
        CameraResult result = await store.CreateAsync(request, cancellationToken);
        if (result is CameraSaved saved)
        {
            healthChecks?.Request(saved.Camera.CameraId);
        }

        return result;
    }

    /// <summary>Saves <paramref name="update"/>; a saved camera's running stream restarts FFmpeg with the new settings
    /// (its viewers stay connected and resume without renegotiating).</summary>
    public async Task<CameraResult> UpdateAsync(int cameraId, CameraUpdate update, CancellationToken cancellationToken)
    {
        CameraResult result = await store.UpdateAsync(cameraId, update, cancellationToken);
        if (result is CameraSaved)
        {
            await ApplyChangedAsync(cameraId, cancellationToken);
            if (owners?.Route(cameraId) is { Kind: CameraRouteKind.Remote } owner)
            {
                await owners.NotifyAsync(owner, cameraId, deleted: false, cancellationToken);
            }
        }

        return result;
    }

    /// <summary>
    /// What an edit changes on this node: its streams of the camera restart FFmpeg with the stored settings (none run for
    /// a camera another node serves), a health check is due, the cached snapshot is dropped. Also run by the owner when
    /// another node reports the edit, and by its version poll.
    /// </summary>
    public async Task ApplyChangedAsync(int cameraId, CancellationToken cancellationToken)
    {
        await streams.ReconfigureAsync(cameraId, cancellationToken);
        healthChecks?.Request(cameraId);
        // A snapshot taken with the old address or password must not answer for the new settings.
        snapshots.Forget(cameraId);
    }

    /// <summary>Deletes the camera, stops its FFmpeg, ends its viewers and removes its poster; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken)
    {
        // The owner as the leases say before the delete: the lease row goes with the camera's.
        CameraRoute? owner = owners?.Route(cameraId);
        if (!await store.DeleteAsync(cameraId, cancellationToken))
        {
            return false;
        }

        await ApplyDeletedAsync(cameraId, cancellationToken);
        if (owner is { Kind: CameraRouteKind.Remote })
        {
            await owners!.NotifyAsync(owner, cameraId, deleted: true, cancellationToken);
        }

        return true;
    }

    /// <summary>What a delete removes on this node: streams, viewers, cached snapshot and poster (also run by the owner).</summary>
    public async Task ApplyDeletedAsync(int cameraId, CancellationToken cancellationToken)
    {
        await streams.RemoveAsync(cameraId, cancellationToken);
        healthChecks?.Request(cameraId);
        snapshots.Forget(cameraId);
        posters.Delete(cameraId);
    }
}
