using System.Net;
using System.Net.Sockets;
using System.Buffers.Binary;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Rtcp;

public class RtpClockAnchorTests
{
    // FFmpeg's model: packets are base + pts; a report at wall time T says base + (T − start) · clock.
    private const ulong Second = 1UL << 32;

    private static RtpClockAnchor Report(uint ssrc, uint rtpBase, int clock, double start, double at) =>
        new(ssrc, (ulong)(at * Second), unchecked(rtpBase + (uint)(long)Math.Round((at - start) * clock)));

    [Fact]
    public void A_video_timestamp_maps_to_the_audio_timestamp_of_the_same_presentation_time()
    {
        const double start = 3_000_000_000; // NTP seconds of pts 0, shared by both outputs
        RtpClockAnchor video = Report(1, rtpBase: 0xFFFF_0000, clock: 90_000, start, at: start + 12.25);
        RtpClockAnchor audio = Report(2, rtpBase: 123_456, clock: 48_000, start, at: start + 17.5); // reported later

        // pts 10.02 s: video base + 901800 (wraps past 2^32), audio base + 480960.
        uint videoTs = unchecked(0xFFFF_0000 + 901_800u);
        RtpClockAnchor.TryMap(video, 90_000, videoTs, audio, 48_000, out uint audioTs).Should().BeTrue();
        audioTs.Should().Be(123_456u + 480_960u);
        // And back.
        RtpClockAnchor.TryMap(audio, 48_000, audioTs, video, 90_000, out uint back).Should().BeTrue();
        back.Should().Be(videoTs);
    }

    [Fact]
    public void A_timestamp_before_its_anchor_maps_backwards()
    {
        const double start = 3_000_000_000;
        RtpClockAnchor video = Report(1, rtpBase: 10, clock: 90_000, start, at: start + 60);
        RtpClockAnchor audio = Report(2, rtpBase: 20, clock: 8_000, start, at: start + 60);

        RtpClockAnchor.TryMap(video, 90_000, 10 + 90_000 * 2, audio, 8_000, out uint audioTs).Should().BeTrue();
        audioTs.Should().Be(20u + 8_000 * 2);
    }

    [Fact]
    public void Reports_whose_start_is_far_from_the_run_are_not_trusted()
    {
        // A start an hour before the run (arguments reused for a later run): the reports' timestamps name media time
        // an hour away from the packets', beyond what a modulo-2^32 difference may be trusted with.
        const double start = 3_000_000_000;
        RtpClockAnchor video = Report(1, rtpBase: 10, clock: 90_000, start, at: start + 3_600);
        RtpClockAnchor audio = Report(2, rtpBase: 20, clock: 8_000, start, at: start + 3_600);

        RtpClockAnchor.TryMap(video, 90_000, 10 + 90_000 * 2, audio, 8_000, out _).Should().BeFalse();
    }

    /// <summary>
    /// The contract with the real FFmpeg: two RTP outputs of one run, with the production arguments for sender reports
    /// (one -start_time_realtime for both, ?rtcpport=), report clocks that map the first video packet (pts 0) onto the
    /// first audio packet (pts 0). G.711 so no encoder delay moves the audio.
    /// </summary>
    [Fact]
    public async Task FFmpegs_sender_reports_place_both_outputs_on_one_timeline()
    {
        using var videoRtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var audioRtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        videoRtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        audioRtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var videoRtcp = new FfmpegRtcpReceiver(NullLogger.Instance);
        using var audioRtcp = new FfmpegRtcpReceiver(NullLogger.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task rtcpLoops = Task.WhenAll(videoRtcp.RunAsync(cts.Token), audioRtcp.RunAsync(cts.Token));
        int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

        string start = FfmpegArguments.StartTimeRealtime(DateTimeOffset.UtcNow);
        await using ChildProcess ffmpeg = ChildProcess.Start("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-re",
            // -t on each input: an output -t would end only the first output.
            "-t", "4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25",
            "-t", "4", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000",
            "-map", "0:v", "-c:v", "libx264", "-tune", "zerolatency", "-f", "rtp",
            "-start_time_realtime", start, $"rtp://127.0.0.1:{Port(videoRtp)}?rtcpport={videoRtcp.Port}",
            "-map", "1:a", "-c:a", "pcm_alaw", "-f", "rtp",
            "-start_time_realtime", start, $"rtp://127.0.0.1:{Port(audioRtp)}?rtcpport={audioRtcp.Port}",
        ]);

        (uint videoSsrc, uint firstVideoTs) = await FirstPacketAsync(videoRtp, cts.Token);
        (uint audioSsrc, uint firstAudioTs) = await FirstPacketAsync(audioRtp, cts.Token);
        (await ffmpeg.Exited).Should().Be(0, ffmpeg.Output);
        await cts.CancelAsync();
        await rtcpLoops;

        RtpClockAnchor video = videoRtcp.Latest ?? throw new Xunit.Sdk.XunitException("no video sender report");
        RtpClockAnchor audio = audioRtcp.Latest ?? throw new Xunit.Sdk.XunitException("no audio sender report");
        (video.Ssrc, audio.Ssrc).Should().Be((videoSsrc, audioSsrc));
        RtpClockAnchor.TryMap(video, 90_000, firstVideoTs, audio, 8_000, out uint mapped).Should().BeTrue();
        // Within 1 ms at 8 kHz (rounding of the reports' microsecond clock).
        Math.Abs(unchecked((int)(mapped - firstAudioTs))).Should().BeLessThanOrEqualTo(8,
            $"pts 0 of the video maps to pts 0 of the audio (mapped {mapped}, first audio {firstAudioTs})");
    }

    private static async Task<(uint Ssrc, uint Timestamp)> FirstPacketAsync(Socket socket, CancellationToken ct)
    {
        byte[] buffer = new byte[2048];
        int received = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
        received.Should().BeGreaterThan(12);
        return (BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)), BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)));
    }
}
