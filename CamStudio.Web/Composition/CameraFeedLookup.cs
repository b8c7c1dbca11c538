using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;

namespace CamStudio.Web.Composition;

/// <summary>The streams' view of the camera store: a stored camera's connection details as a <see cref="CameraFeed"/>.</summary>
internal sealed class CameraFeedLookup(ICameraStore store) : ICameraFeedLookup
{
    public async Task<CameraFeed?> FindAsync(int cameraId, CancellationToken cancellationToken) =>
        await store.GetStreamSourceAsync(cameraId, cancellationToken) is { } source
            ? ToFeed(source)
            : null;

    public static CameraFeed ToFeed(CameraStreamSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new CameraFeed
        {
            CameraId = source.CameraId,
            Kind = source.Source == CameraSourceKind.DemoPattern ? CameraFeedKind.TestPattern : CameraFeedKind.Rtsp,
            Host = source.Host,
            RtspPort = source.RtspPort,
            HdPath = source.HdPath,
            SdPath = source.SdPath,
            Username = source.Username,
            Password = source.Password,
            DefaultVariant = source.StreamQuality.ToVariant(),
            Audio = source.Audio,
        };
    }
}
