using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Web.Services;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Api;

/// <summary>The legacy JPEG WebSocket with real FFmpeg (demo pattern): JPEG frames while connected, no FFmpeg after.</summary>
public sealed class MjpegSocketTests() : CameraApiTestBase(TestDatabase.Sqlite())
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sends_whole_jpeg_frames_while_connected_and_stops_ffmpeg_when_the_client_closes()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName("Demo"), source = "demo" })).GetProperty("camera_id").GetInt32();
        WebSocketClient client = TestAccounts.CreateAuthorizedWebSocketClient(Factory.Server);
        using WebSocket socket = await client.ConnectAsync(new Uri(Factory.Server.BaseAddress, $"api/cameras/{id}/ws?quality=stream2"), CancellationToken.None);

        var frames = new List<byte[]>();
        using var timeout = new CancellationTokenSource(s_deadline);
        byte[] buffer = new byte[1024 * 1024];
        while (frames.Count < 3)
        {
            int length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            result.MessageType.Should().Be(WebSocketMessageType.Binary);
            frames.Add(buffer[..length]);
        }

        foreach (byte[] frame in frames)
        {
            frame[..2].Should().Equal(0xFF, 0xD8);
            frame[^2..].Should().Equal(0xFF, 0xD9);
            frame.Length.Should().BeGreaterThan(1000);
        }

        int[] running = GetService<FfmpegProcessRegistry>().ProcessIds.ToArray();
        running.Should().ContainSingle("one FFmpeg serves this client");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        await Eventually.WaitUntilAsync(() => GetService<FfmpegProcessRegistry>().ProcessIds.Count == 0
            && CamStudio.Tests.Media.Ffmpeg.ProcessState.IsGone(running[0]), s_deadline, "FFmpeg stopped with the client");
    }

    [Fact]
    public async Task A_plain_http_request_is_400_and_an_unknown_camera_404()
    {
        using HttpResponseMessage plain = await Client.GetAsync("/api/cameras/1/ws");
        ((int)plain.StatusCode).Should().BeOneOf(400, 404);

        int id = (await CreateCameraAsync(new { name = UniqueName("Demo"), source = "demo" })).GetProperty("camera_id").GetInt32();
        using HttpResponseMessage notSocket = await Client.GetAsync($"/api/cameras/{id}/ws");
        (await ReadProblemAsync(notSocket, 400)).GetProperty("code").GetString().Should().Be("websocket_required");

        WebSocketClient client = TestAccounts.CreateAuthorizedWebSocketClient(Factory.Server);
        Func<Task> unknown = () => client.ConnectAsync(new Uri(Factory.Server.BaseAddress, "api/cameras/999/ws"), CancellationToken.None);
        (await unknown.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("404");
    }

    [Fact]
    public async Task A_camera_this_node_may_not_pull_is_503_owner_unavailable_and_starts_no_ffmpeg()
    {
        var admission = new RefuseOneCamera();
        await using var app = new CamStudioAppFactory(configureServices: services => services.AddSingleton<IStreamAdmission>(admission));
        using HttpClient admin = app.CreateClient();
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/cameras/create", new { name = "Elsewhere", source = "demo" });
        admission.RefusedCameraId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();

        WebSocketClient client = TestAccounts.CreateAuthorizedWebSocketClient(app.Server);
        Func<Task> connect = () => client.ConnectAsync(
            new Uri(app.Server.BaseAddress, $"api/cameras/{admission.RefusedCameraId}/ws"), CancellationToken.None);

        (await connect.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("503");
        app.Services.GetRequiredService<FfmpegProcessRegistry>().ProcessIds.Should().BeEmpty();
    }

    [Fact]
    public void Rtsp_arguments_decode_to_jpeg_on_stdout_with_the_whitelist_and_encoded_credentials()
    {
        IReadOnlyList<string> args = MjpegStream.BuildArguments(
            CamStudio.Tests.Media.Streaming.CameraStreamLifecycleTests.Camera(), StreamVariant.Stream1, out IReadOnlyList<string?> secrets);

        args.Should().ContainInOrder("-protocol_whitelist", "rtsp,rtp,tcp,udp");
        args.Should().Contain("rtsp://admin:p%40ss%3A%2F%3F%23w%20rd@10.0.0.5:554/stream1");
        args.Should().ContainInOrder("-c:v", "mjpeg", "-q:v", "7", "-f", "image2pipe", "pipe:1");
        secrets.Should().Equal("p@ss:/?#w rd");
    }
}
