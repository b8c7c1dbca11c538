using CamStudio.Core.Cameras;
using CamStudio.Media.Ffmpeg;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Ffmpeg;
using CamStudio.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Web.Services;

/// <summary>The form's "Test connection" against real ffprobe: a closed port and the RTSP test camera on 127.0.0.1.</summary>
public sealed class CameraProbeServiceTests : IDisposable
{
    private const string Secret = "Hunter2:Secret@1";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    private readonly FfmpegProcessRegistry _registry = new();

    private readonly CameraProbeService _probe;

    public CameraProbeServiceTests() => _probe = new(NullLogger<CameraProbeService>.Instance, _registry);

    [Fact]
    public async Task ClosedPort_SaysHostUnreachable_WithoutThePassword()
    {
        int closedPort = FreePort.Tcp();

        CameraProbeResult result = await _probe.ProbeAsync(Request(closedPort, "stream1", "admin", Secret), Ct);

        result.Succeeded.Should().BeFalse();
        result.Failure.Should().Be(FfmpegFailure.HostUnreachable);
        result.Message.Should().StartWith($"Host unreachable: nothing answered at 127.0.0.1:{closedPort}.")
            .And.Contain("Connection refused");
        result.Message.Should().NotContain(Secret).And.NotContain(Uri.EscapeDataString(Secret));
    }

    [Fact]
    public async Task RealCamera_ReportsCodecResolutionAndFrameRate()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);

        CameraProbeResult result = await _probe.ProbeAsync(Request(camera.Port, RtspTestCamera.SubStream, camera.User, camera.Password), Ct);

        result.Succeeded.Should().BeTrue(result.Message);
        result.Video!.IsH264.Should().BeTrue();
        result.Message.Should().Be("Connected: H.264 (High), 640×360 at 25 fps.");
    }

    [Fact]
    public async Task RealCamera_WrongPassword_SaysSo_WithoutEchoingIt()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);

        CameraProbeResult result = await _probe.ProbeAsync(Request(camera.Port, RtspTestCamera.MainStream, camera.User, Secret), Ct);

        result.Failure.Should().Be(FfmpegFailure.AuthFailed);
        result.Message.Should().StartWith("Wrong username or password").And.NotContain(Secret);
    }

    [Fact]
    public async Task RealCamera_UnknownPath_SaysNoSuchStreamPath()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), Ct);

        CameraProbeResult result = await _probe.ProbeAsync(Request(camera.Port, "Streaming/Channels/101", camera.User, camera.Password), Ct);

        result.Failure.Should().Be(FfmpegFailure.StreamNotFound);
        result.Message.Should().Be(
            "No such stream path: the camera has no stream at \"/Streaming/Channels/101\". Pick the camera's brand preset or check the path in its manual.");
    }

    [Fact]
    public void H265Stream_IsAccepted_NamedWithProfileAndResolution_AndAdvisesSdForBrowsersWithoutH265()
    {
        // ffprobe -show_streams -of json output for an HEVC main stream (fields trimmed to those the parser reads).
        const string json = """{"streams":[{"index":0,"codec_name":"hevc","profile":"Main","codec_type":"video","width":3840,"height":2160,"avg_frame_rate":"20/1"}]}""";

        CameraProbeResult result = CameraProbeService.Interpret(Request(554, "h265Preview_01_main", "admin", Secret), 0, json, string.Empty);

        result.Succeeded.Should().BeTrue("H.265 passes through without re-encoding (issue 15)");
        result.Message.Should().StartWith("Connected: H.265 (Main), 3840×2160 at 20 fps.");
        result.Message.Should().Contain("SD stream").And.Contain("H.264");
    }

    [Fact]
    public void MjpegStream_IsRefusedWithAdviceToUseSdOrSwitchToH264()
    {
        const string json = """{"streams":[{"index":0,"codec_name":"mjpeg","profile":"Baseline","codec_type":"video","width":1280,"height":720,"avg_frame_rate":"10/1"}]}""";

        CameraProbeResult result = CameraProbeService.Interpret(Request(554, "mjpeg", "admin", Secret), 0, json, string.Empty);

        result.Succeeded.Should().BeFalse();
        result.Failure.Should().Be(FfmpegFailure.UnsupportedCodec);
        result.Message.Should().Contain("mjpeg").And.Contain("cannot pass through").And.Contain("SD stream").And.Contain("H.264");
    }

    [Fact]
    public async Task DemoSource_SaysItIsTheBuiltInPattern_WithoutRunningFfprobe()
    {
        var request = new CameraProbeRequest { Source = CameraSourceKind.DemoPattern, Host = "", Port = 554, Path = "stream2" };

        CameraProbeResult result = await _probe.ProbeAsync(request, Ct);

        result.Succeeded.Should().BeTrue();
        result.Message.Should().Be(CameraProbeService.DemoMessage);
    }

    [Fact]
    public async Task Shutdown_KillsAProbeStillWaitingOnASilentCamera()
    {
        // A "camera" that accepts the TCP connection and never says a word: ffprobe waits on it (up to its socket timeout).
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        Task<System.Net.Sockets.Socket> accepted = silent.AcceptSocketAsync(Ct).AsTask();
        int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;

        Task<CameraProbeResult> probe = _probe.ProbeAsync(Request(port, "stream1", "admin", Secret), Ct);
        using System.Net.Sockets.Socket connection = await accepted.WaitAsync(Ct);
        _registry.ProcessIds.Should().ContainSingle("the in-flight ffprobe is tracked");
        int pid = _registry.ProcessIds[0];
        ProcessState.IsGone(pid).Should().BeFalse();

        await _registry.StopAsync(CancellationToken.None);

        await Eventually.WaitUntilAsync(() => ProcessState.IsGone(pid), TimeSpan.FromSeconds(3), "ffprobe killed at shutdown");
        // Killed, not timed out: the probe ends long before ffprobe's own socket timeout or the probe's deadline.
        CameraProbeResult result = await probe.WaitAsync(TimeSpan.FromSeconds(3), Ct);
        result.Succeeded.Should().BeFalse();
        result.Message.Should().NotContain(Secret);
        _registry.ProcessIds.Should().BeEmpty();
    }

    public void Dispose()
    {
        _registry.Dispose();
        _timeout.Dispose();
    }

    private static CameraProbeRequest Request(int port, string path, string user, string password) => new()
    {
        Source = CameraSourceKind.Rtsp,
        Host = "127.0.0.1",
        Port = port,
        Path = path,
        Username = user,
        Password = password,
    };
}
