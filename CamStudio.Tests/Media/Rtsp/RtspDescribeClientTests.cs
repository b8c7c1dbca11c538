using System.Net;
using System.Net.Sockets;
using System.Text;
using CamStudio.Media.Rtsp;
using CamStudio.Tests.Infrastructure;
using FluentAssertions;

namespace CamStudio.Tests.Media.Rtsp;

/// <summary>The DESCRIBE client against the real RTSP test camera (GStreamer) and against a loopback peer that misbehaves.</summary>
public class RtspDescribeClientTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(RtspAuthentication.Basic)]
    [InlineData(RtspAuthentication.Digest)]
    [InlineData(RtspAuthentication.Both)]
    public async Task A_camera_with_the_right_credentials_answers_with_its_H264_stream(RtspAuthentication authentication)
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { Authentication = authentication }, default);
        var client = new RtspDescribeClient();

        RtspDescribeResult result = await client.DescribeAsync(Request(camera, RtspTestCamera.SubStream), s_timeout, default);

        result.Should().Be(new RtspDescribeResult(RtspDescribeOutcome.Ok, 200, "H264"), camera.Output);
        client.RequestsSent.Should().Be(2, "the first DESCRIBE is refused with a challenge, the second answers it");
    }

    [Fact]
    public async Task An_H265_camera_is_named_H265()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { Codec = RtspTestVideoCodec.H265 }, default);

        // GStreamer answers DESCRIBE only once the mount's encoder has prerolled, and x265 at 720p takes seconds to
        // start on a loaded 2-core machine: a real camera's encoder is already running.
        RtspDescribeResult result = await new RtspDescribeClient().DescribeAsync(
            Request(camera, RtspTestCamera.MainStream), TimeSpan.FromSeconds(20), default);

        result.Should().Be(new RtspDescribeResult(RtspDescribeOutcome.Ok, 200, "H265"), camera.Output);
    }

    [Theory]
    [InlineData(RtspAuthentication.Basic)]
    [InlineData(RtspAuthentication.Digest)]
    public async Task Wrong_password_wrong_path_and_a_dead_camera_are_told_apart(RtspAuthentication authentication)
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions { Authentication = authentication }, default);
        var client = new RtspDescribeClient();

        RtspDescribeResult wrongPassword = await client.DescribeAsync(
            Request(camera, RtspTestCamera.MainStream) with { Password = "not-the-password" }, s_timeout, default);
        RtspDescribeResult noCredentials = await client.DescribeAsync(
            Request(camera, RtspTestCamera.MainStream) with { Username = null, Password = null }, s_timeout, default);
        RtspDescribeResult wrongPath = await client.DescribeAsync(Request(camera, "/no-such-stream"), s_timeout, default);
        await camera.KillAsync();
        RtspDescribeResult dead = await client.DescribeAsync(Request(camera, RtspTestCamera.MainStream), s_timeout, default);

        wrongPassword.Outcome.Should().Be(RtspDescribeOutcome.Unauthorized);
        noCredentials.Outcome.Should().Be(RtspDescribeOutcome.Unauthorized);
        wrongPath.Outcome.Should().Be(RtspDescribeOutcome.NotFound);
        dead.Outcome.Should().Be(RtspDescribeOutcome.Refused);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 500\r\n\r\nv=0\r\n")] // closes before the promised body
    [InlineData("RTSP/1.0 20")]                                          // closes mid status line
    [InlineData("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000")]     // TLS bytes
    [InlineData("RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n\r\n")] // a scheme we cannot answer
    public async Task A_peer_answering_garbage_is_a_protocol_error(string answer)
    {
        await using var peer = await LoopbackPeer.StartAsync(Encoding.Latin1.GetBytes(answer), closeAfter: true);

        RtspDescribeResult result = await new RtspDescribeClient().DescribeAsync(peer.Request, s_timeout, default);

        result.Outcome.Should().Be(RtspDescribeOutcome.ProtocolError);
        peer.Received.Should().StartWith("DESCRIBE rtsp://127.0.0.1:").And.Contain("\r\nCSeq: 1\r\n")
            .And.Contain("\r\nAccept: application/sdp\r\n").And.Contain("\r\nUser-Agent: ");
    }

    [Fact]
    public async Task A_peer_that_never_answers_times_out_within_the_limit()
    {
        await using var peer = await LoopbackPeer.StartAsync([], closeAfter: false);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        RtspDescribeResult result = await new RtspDescribeClient().DescribeAsync(peer.Request, TimeSpan.FromMilliseconds(300), default);

        result.Outcome.Should().Be(RtspDescribeOutcome.Timeout);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Other_statuses_keep_their_code()
    {
        await using var peer = await LoopbackPeer.StartAsync("RTSP/1.0 503 Service Unavailable\r\nCSeq: 1\r\n\r\n"u8.ToArray(), closeAfter: true);

        RtspDescribeResult result = await new RtspDescribeClient().DescribeAsync(peer.Request, s_timeout, default);

        result.Should().Be(new RtspDescribeResult(RtspDescribeOutcome.OtherStatus, 503));
    }

    private static RtspDescribeRequest Request(RtspTestCamera camera, string path) =>
        new("127.0.0.1", camera.Port, path, camera.User, camera.Password);

    /// <summary>Accepts one connection, reads the request head, writes a canned answer.</summary>
    private sealed class LoopbackPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serve;
        private readonly StringBuilder _received = new();

        private LoopbackPeer(TcpListener listener, byte[] answer, bool closeAfter)
        {
            _listener = listener;
            _serve = ServeAsync(answer, closeAfter);
        }

        public RtspDescribeRequest Request => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port, "stream1", "admin", "pw");

        public string Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToString();
                }
            }
        }

        public static Task<LoopbackPeer> StartAsync(byte[] answer, bool closeAfter)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new LoopbackPeer(listener, answer, closeAfter));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serve;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                // The client went away first.
            }
        }

        private async Task ServeAsync(byte[] answer, bool closeAfter)
        {
            using Socket socket = await _listener.AcceptSocketAsync();
            byte[] buffer = new byte[4096];
            while (!Received.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await socket.ReceiveAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                lock (_received)
                {
                    _received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }

            await socket.SendAsync(answer);
            if (!closeAfter)
            {
                // Hold the connection open without answering until the client gives up.
                while (await socket.ReceiveAsync(buffer) > 0)
                {
                }
            }

            socket.Shutdown(SocketShutdown.Both);
        }
    }
}
