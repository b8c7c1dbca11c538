using System.Net;
using Microsoft.Playwright;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// What every browser end-to-end fixture starts the same way: inside the private network namespace (fails outside it,
/// see README.md), the GStreamer RTSP test camera, the parts of the subclass (<see cref="StartPartsAsync"/>: the whole
/// app, or the media path alone), then headless Chromium. Disposing stops them in reverse: Chromium first (it closes its
/// peer connections while the server still answers), the parts, the camera last.
/// </summary>
public abstract class EndToEndFixture(RtspTestCameraOptions cameraOptions) : IAsyncLifetime
{
    private RtspTestCamera? _camera;
    private ChromiumBrowser? _chromium;

    /// <summary>The address the WebRTC server advertises: the namespace's (10.213.0.1), which Chromium can reach.</summary>
    public IPAddress WebRtcHost { get; private set; } = IPAddress.None;

    public RtspTestCamera Camera => _camera ?? throw new InvalidOperationException("The fixture has not started.");

    public IBrowser Browser => (_chromium ?? throw new InvalidOperationException("The fixture has not started.")).Browser;

    public async Task InitializeAsync()
    {
        WebRtcHost = NetworkNamespace.RequireWebRtcHost();
        _camera = await RtspTestCamera.StartAsync(cameraOptions, CancellationToken.None);
        await StartPartsAsync();
        _chromium = await ChromiumBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await StopPartsAsync();
        if (_camera is not null)
        {
            await _camera.DisposeAsync();
        }
    }

    /// <summary>Starts what sits between the camera and the browser; <see cref="Camera"/> and <see cref="WebRtcHost"/> are set.</summary>
    protected abstract Task StartPartsAsync();

    /// <summary>Stops what <see cref="StartPartsAsync"/> started, also after it failed halfway.</summary>
    protected abstract Task StopPartsAsync();
}
