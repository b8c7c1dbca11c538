using CamStudio.Core.Cameras;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using CamStudio.Web.Health;

namespace CamStudio.Web.Services;

/// <summary>
/// The camera changes that must reach both the database and the running streams. The REST API and the pages both go
/// through here, so neither can save a camera and forget to restart its stream, or delete one and leave FFmpeg and its
/// viewers running, and the health monitor checks a new or edited camera at once.
/// </summary>
public sealed class CameraCommands(
    ICameraStore store, CameraStreamHost streams, SnapshotService snapshots, PosterStore posters,
    HealthCheckRequests? healthChecks = null)
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
            await streams.ReconfigureAsync(cameraId, cancellationToken);
            healthChecks?.Request(cameraId);
            // A snapshot taken with the old address or password must not answer for the new settings.
            snapshots.Forget(cameraId);
        }

        return result;
    }

    /// <summary>Deletes the camera, stops its FFmpeg, ends its viewers and removes its poster; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(cameraId, cancellationToken))
        {
            return false;
        }

        await streams.RemoveAsync(cameraId, cancellationToken);
        healthChecks?.Request(cameraId);
        snapshots.Forget(cameraId);
        posters.Delete(cameraId);
        return true;
    }
}
