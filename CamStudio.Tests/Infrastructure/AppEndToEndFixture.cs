using System.Globalization;
using System.Text.Json;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// An <see cref="EndToEndFixture"/> whose middle part is the whole app (<see cref="CamStudioAppFactory"/>): WebRTC on an
/// ephemeral port on every address of the namespace, advertising the namespace address, with the subclass's grace
/// period and any extra settings; plus the REST calls the end-to-end tests share (<see cref="CameraTestApi"/>) through
/// <see cref="Client"/>.
/// </summary>
public abstract class AppEndToEndFixture(
    RtspTestCameraOptions cameraOptions, TimeSpan gracePeriod, IReadOnlyDictionary<string, string?>? settings = null)
    : EndToEndFixture(cameraOptions)
{
    private CamStudioAppFactory? _app;

    /// <summary>The one HTTP client of the tests, sending the test admin's token.</summary>
    public HttpClient Client { get; protected set; } = null!;

    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("The fixture has not started.")).Services;

    public CameraStreamHost Streams => Services.GetRequiredService<CameraStreamHost>();

    public Task<JsonElement> GetStatusAsync(int cameraId) => Client.GetStatusAsync(cameraId);

    /// <summary>Polls the status endpoint until <paramref name="condition"/> holds; the message carries the last status.</summary>
    public Task<JsonElement> WaitForStatusAsync(int cameraId, Func<JsonElement, bool> condition, TimeSpan deadline, string what) =>
        Client.WaitForStatusAsync(cameraId, condition, deadline, what);

    protected override Task StartPartsAsync()
    {
        var all = new Dictionary<string, string?>
        {
            // Chromium reaches the server through the namespace's veth address, not loopback.
            ["WebRtc:BindAddress"] = "0.0.0.0",
            ["WebRtc:AdvertisedAddresses:0"] = WebRtcHost.ToString(),
            ["Streams:GracePeriod"] = gracePeriod.ToString("c", CultureInfo.InvariantCulture),
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _app = new CamStudioAppFactory(all);
        Client = CreateClient(_app);
        return Task.CompletedTask;
    }

    protected override async Task StopPartsAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Starts <paramref name="app"/> and returns the client of the tests; by default the in-memory server's.</summary>
    protected virtual HttpClient CreateClient(CamStudioAppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.CreateClient();
    }

    /// <summary>Creates a camera on <paramref name="camera"/> (default: the fixture's RTSP test camera) through the API.</summary>
    protected Task<int> CreateRtspCameraAsync(string name, string? password, RtspTestCamera? camera, string quality, bool audio = false) =>
        Client.CreateRtspCameraAsync(camera ?? Camera, name, password, quality, audio);
}
