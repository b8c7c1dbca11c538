using CamStudio.Core.Cameras;
using CamStudio.Core.Health;

namespace CamStudio.Web.Composition;

/// <summary>The status every surface reads (API, pages, metrics): the streams' status plus the camera's health.</summary>
internal sealed class HealthReportingStatusProvider(StreamRuntimeStatusProvider streams, ICameraHealthReader? health)
    : ICameraRuntimeStatusProvider
{
    public CameraRuntimeStatus GetStatus(int cameraId)
    {
        CameraRuntimeStatus status = streams.GetStatus(cameraId);
        return health is null ? status : status with { Health = health.Get(cameraId) };
    }
}
