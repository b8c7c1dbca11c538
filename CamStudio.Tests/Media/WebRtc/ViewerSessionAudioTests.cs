using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CamStudio.Media.Audio;
using CamStudio.Media.Dtls;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Stun;
using CamStudio.Media.Video;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Media.Dtls;
using CamStudio.Tests.Media.Sdp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// The camera's audio through a real <see cref="WebRtcServer"/> on 127.0.0.1: the answer a session gets for each audio
/// case, and a connected session (ICE check and DTLS-SRTP handshake done by BouncyCastle's client, as a browser would)
/// whose audio packets and sender reports are read back and SRTP-unprotected with the browser's keys.
/// </summary>
public sealed class ViewerSessionAudioTests : IAsyncLifetime
{
    private WebRtcServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new WebRtcServer(
            Options.Create(new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1", AdvertisedAddresses = ["127.0.0.1"] }),
            NullLoggerFactory.Instance, TimeProvider.System);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void An_opus_camera_gets_an_audio_track_with_its_own_ssrc_in_the_video_stream()
    {
        ViewerSessionResult result = _server.CreateSession(SdpFixtures.Chrome120AudioVideoData, new StubVideo(), new StubAudio(AudioCodec.Opus), "3-main");

        ViewerSession session = result.Session!;
        session.AudioCodec.Should().Be(AudioCodec.Opus);
        session.AudioPayloadType.Should().Be(111);
        session.AudioSsrc.Should().NotBeNull().And.NotBe(session.Ssrc);
        result.AnswerSdp.Should().Contain($"a=ssrc:{session.AudioSsrc} msid:camstudio-3-main audio-{session.Id}")
            .And.Contain($"a=ssrc:{session.Ssrc} msid:camstudio-3-main video-{session.Id}")
            .And.Contain("a=group:BUNDLE 0 1\r\n");
    }

    [Fact]
    public void Audio_off_no_audio_source_or_an_unoffered_codec_give_a_video_only_session()
    {
        string opusOnly = SdpFixtures.Chrome120AudioVideoData.Replace(
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 13 110 126", StringComparison.Ordinal)
            .Replace("a=rtpmap:0 PCMU/8000\r\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=rtpmap:8 PCMA/8000\r\n", string.Empty, StringComparison.Ordinal);

        ViewerSessionResult[] results =
        [
            _server.CreateSession(SdpFixtures.Chrome120AudioVideoData, new StubVideo(), new StubAudio(null), "1-main"),
            _server.CreateSession(SdpFixtures.Chrome120AudioVideoData, new StubVideo(), "1-main"),
            _server.CreateSession(opusOnly, new StubVideo(), new StubAudio(AudioCodec.Pcma), "1-main"),
        ];

        foreach (ViewerSessionResult result in results)
        {
            result.Error.Should().BeNull();
            result.Session!.AudioCodec.Should().BeNull();
            result.Session.AudioSsrc.Should().BeNull();
            result.AnswerSdp.Should().Contain("m=audio 0 ").And.Contain("a=group:BUNDLE 1\r\n");
        }
    }

    [Fact]
    public void An_audio_only_offer_is_refused_with_the_validators_sentence_even_for_a_camera_with_audio()
    {
        string audioOnly = SdpFixtures.FirefoxAudioVideo[..SdpFixtures.FirefoxAudioVideo.IndexOf("m=video", StringComparison.Ordinal)]
            .Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0", StringComparison.Ordinal);

        ViewerSessionResult result = _server.CreateSession(audioOnly, new StubVideo(), new StubAudio(AudioCodec.Opus), "1-main");

        result.Session.Should().BeNull();
        result.Refusal.Should().Be(ViewerSessionRefusal.InvalidOffer);
        result.Error.Should().Be("The offer has no video m= line; CamStudio only sends video.");
    }

    [Fact]
    public void Audio_before_the_handshake_is_not_sent()
    {
        ViewerSession session = _server.CreateSession(SdpFixtures.Chrome120AudioVideoData, new StubVideo(), new StubAudio(AudioCodec.Opus), "1-main").Session!;

        session.OnAudioPacket(OpusPacket(1, 1, 960), new AudioPacketInfo(AudioCodec.Opus, 960, 1, 1));

        session.Stats.AudioPacketsSent.Should().Be(0);
        session.State.Should().NotBe(ViewerSessionState.Closed);
    }

    [Fact]
    public async Task Connected_audio_is_rewritten_protected_reported_and_ends_the_session_on_a_codec_change()
    {
        var audio = new StubAudio(AudioCodec.Opus);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        (ViewerSession session, SrtpContext srtpIn) = await ConnectAsync(client, audio);
        using SrtpContext browser = srtpIn;
        await WaitAsync(() => audio.Sink is not null, "audio subscription");

        // FFmpeg's Opus at 20 ms (960 ticks of 48 kHz), then FFmpeg restarts: new SSRC, sequence and timestamp base.
        (uint Ssrc, ushort Seq, uint Ts)[] source = [(0xAAAA, 100, 1000), (0xAAAA, 101, 1960), (0xAAAA, 102, 2920), (0xBBBB, 7, 5_000_000), (0xBBBB, 8, 5_000_960)];
        foreach ((uint ssrc, ushort seq, uint ts) in source)
        {
            audio.Sink!.OnAudioPacket(OpusPacket(ssrc, seq, ts), new AudioPacketInfo(AudioCodec.Opus, ts, ssrc, seq));
        }

        List<(ushort Seq, uint Ts, byte[] Payload)> received = [];
        ReceiveUntil(client, browser, () => received.Count == source.Length, rtp: (header, packet) =>
        {
            header.Ssrc.Should().Be(session.AudioSsrc!.Value);
            header.PayloadType.Should().Be(111, "the browser's payload type for opus, not FFmpeg's 97");
            received.Add((header.SequenceNumber, header.Timestamp, packet[header.HeaderLength..].ToArray()));
        });

        received.Select(r => (ushort)(r.Seq - received[0].Seq)).Should().Equal(0, 1, 2, 3, 4);
        received.Select(r => r.Ts - received[0].Ts).Should().Equal([0u, 960u, 1920u, 2880u, 3840u],
            "live packets keep FFmpeg's 20 ms steps and the restart counts as one ordinary packet step, not a jump");
        received.Should().AllSatisfy(r => r.Payload.Should().Equal(OpusPayload));
        session.Stats.AudioPacketsSent.Should().Be(5);
        session.Stats.AudioPayloadBytesSent.Should().Be(5 * OpusPayload.Length);
        session.Stats.PacketsSent.Should().Be(0, "audio is counted apart from video");

        // One video packet so that both SSRCs have something to report, then a report round.
        byte[] video = OpusPacket(0xCCCC, 1, 90_000);
        session.OnPacket(video, new VideoPacketInfo(true, true, false, 90_000, 0xCCCC, 1));
        session.SendSenderReport();
        Dictionary<uint, List<(ulong Ntp, uint Rtp, uint Packets, uint Octets)>> reports = [];
        ReceiveUntil(client, browser, () => reports.Count == 2 && SameInstant(reports) is not null, rtcp: report =>
        {
            if (!reports.TryGetValue(report.Ssrc, out var list))
            {
                reports[report.Ssrc] = list = [];
            }

            list.Add((report.Ntp, report.Rtp, report.Packets, report.Octets));
        });

        reports.Keys.Should().BeEquivalentTo([session.Ssrc, session.AudioSsrc!.Value]);
        var audioReport = reports[session.AudioSsrc.Value][^1];
        audioReport.Packets.Should().Be(5);
        audioReport.Octets.Should().Be((uint)(5 * OpusPayload.Length));
        uint sinceLastAudio = audioReport.Rtp - received[^1].Ts;
        sinceLastAudio.Should().BeLessThan(5 * 48_000, "the report extrapolates from the last audio packet on the 48 kHz clock");
        reports[session.Ssrc][^1].Packets.Should().Be(1);

        // The camera's audio becomes G.711: the browser negotiated Opus, so the session ends and the player re-offers.
        audio.Sink!.OnAudioPacket(OpusPacket(0xDDDD, 1, 160), new AudioPacketInfo(AudioCodec.Pcma, 160, 0xDDDD, 1));
        await WaitAsync(() => session.State == ViewerSessionState.Closed, "codec-change close");
        session.CloseReason.Should().Be(ViewerCloseReason.CodecChanged);
        audio.Unsubscribed.Should().BeTrue("closing a session ends its audio subscription with the video one");
    }

    [Fact]
    public async Task Sending_audio_allocates_nothing_per_packet()
    {
        var audio = new StubAudio(AudioCodec.Pcmu);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        (ViewerSession session, SrtpContext browser) = await ConnectAsync(client, audio);
        browser.Dispose();
        await WaitAsync(() => audio.Sink is not null, "audio subscription");
        byte[] packet = OpusPacket(0x1234, 0, 0);
        void Send(int i) => audio.Sink!.OnAudioPacket(packet, new AudioPacketInfo(AudioCodec.Pcmu, (uint)(i * 160), 0x1234, (ushort)i));
        for (int i = 0; i < 1000; i++)
        {
            Send(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < 6000; i++)
        {
            Send(i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A per-packet allocation would cost at least 24 bytes x 5,000 packets = 120 KB. The runtime may allocate a few
        // KB once on this thread while tiered JIT swaps in optimised code mid-loop (seen once here: 7.7 KB), which is
        // not a per-packet cost.
        allocated.Should().BeLessThan(16 * 1024, "the audio send path must not allocate per packet");
        session.Stats.AudioPacketsSent.Should().Be(6000);
    }

    private static readonly byte[] OpusPayload = [0x78, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];

    private static byte[] OpusPacket(uint ssrc, ushort seq, uint ts)
    {
        byte[] p = new byte[12 + OpusPayload.Length];
        p[0] = 0x80;
        RtpPacketWriter.SetPayloadType(p, 97);
        RtpPacketWriter.SetSequenceNumber(p, seq);
        RtpPacketWriter.SetTimestamp(p, ts);
        RtpPacketWriter.SetSsrc(p, ssrc);
        OpusPayload.CopyTo(p, 12);
        return p;
    }

    private static ulong? SameInstant(Dictionary<uint, List<(ulong Ntp, uint Rtp, uint Packets, uint Octets)>> reports)
    {
        // Reports sent in one round carry one NTP time: that common instant is what lets the browser lip-sync.
        var lists = reports.Values.ToArray();
        return lists[0].Select(r => r.Ntp).Cast<ulong?>().FirstOrDefault(ntp => lists[1].Any(o => o.Ntp == ntp));
    }

    private Task<(ViewerSession Session, SrtpContext BrowserIn)> ConnectAsync(Socket client, StubAudio audio) =>
        LoopbackBrowser.ConnectAsync(_server, client, new StubVideo(), audio);

    private static void ReceiveUntil(Socket client, SrtpContext browser, Func<bool> done,
        Action<RtpHeader, byte[]>? rtp = null, Action<(uint Ssrc, ulong Ntp, uint Rtp, uint Packets, uint Octets)>? rtcp = null) =>
        LoopbackBrowser.ReceiveUntil(client, browser, done, rtcp: rtcp, rtp: rtp is null ? null : (_, header, plain) =>
        {
            // Audio only: the video test packet (the browser's H.264 payload types) is not what these tests read.
            if (header is { } h && h.PayloadType != 102 && h.PayloadType != 106)
            {
                rtp(h, plain!);
            }
        });

    private static Task WaitAsync(Func<bool> condition, string what) => LoopbackBrowser.WaitAsync(condition, what);

    private sealed class StubVideo : IVideoStreamSource
    {
        public VideoCodec Codec => VideoCodec.H264;

        public string? ProfileLevelId => "42e01f";

        public int LargestReplayPackets => 0;

        public IDisposable Subscribe(IVideoPacketSink sink) => new Subscription(() => { });

        public void ResendKeyFrame(IVideoPacketSink sink)
        {
        }
    }

    private sealed class StubAudio(AudioCodec? codec) : IAudioStreamSource
    {
        private volatile IAudioPacketSink? _sink;
        private volatile bool _unsubscribed;

        public AudioCodec? Codec { get; } = codec;

        public IAudioPacketSink? Sink => _sink;

        public bool Unsubscribed => _unsubscribed;

        public IDisposable Subscribe(IAudioPacketSink sink)
        {
            _sink = sink;
            return new Subscription(() => _unsubscribed = true);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
