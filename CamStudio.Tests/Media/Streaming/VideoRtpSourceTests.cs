using System.Net;
using System.Net.Sockets;
using CamStudio.Media.Rtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

public sealed class VideoRtpSourceTests : IAsyncLifetime
{
    private const uint CameraSsrc = 0xC0FFEE01;
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _cts = new();
    private readonly List<(VideoRtpSource Source, Task Loop)> _sources = [];

    public Task InitializeAsync()
    {
        _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _cts.CancelAsync();
        foreach ((VideoRtpSource source, Task loop) in _sources)
        {
            await loop;
            await source.DisposeAsync();
        }

        _sender.Dispose();
        _cts.Dispose();
    }

    private VideoRtpSource StartSource(int gopCacheMaxBytes = 8 * 1024 * 1024)
    {
        var source = new VideoRtpSource(NullLogger<VideoRtpSource>.Instance, TimeProvider.System, gopCacheMaxBytes);
        _sources.Add((source, source.RunAsync(_cts.Token)));
        return source;
    }

    private void Send(VideoRtpSource source, byte[] packet) =>
        _sender.SendTo(packet, new IPEndPoint(IPAddress.Loopback, source.Port));

    internal static byte[] Rtp(ushort seq, uint ts, bool marker, byte[] payload)
    {
        byte[] p = new byte[12 + payload.Length];
        p[0] = 0x80;
        RtpPacketWriter.SetPayloadType(p, 96);
        RtpPacketWriter.SetMarker(p, marker);
        RtpPacketWriter.SetSequenceNumber(p, seq);
        RtpPacketWriter.SetTimestamp(p, ts);
        RtpPacketWriter.SetSsrc(p, CameraSsrc);
        payload.CopyTo(p, 12);
        return p;
    }

    internal static byte[] ParameterSets() => H264NalTests.StapA(H264NalTests.s_sps640x360, H264NalTests.s_pps);

    // RFC 6184 §5.8 FU-A: FU indicator (NRI from the NAL, type 28), FU header (S, E, NAL type), fragment.
    internal static byte[] FuA(int nalType, bool start, bool end, int fragmentLength = 100)
    {
        byte[] p = new byte[2 + fragmentLength];
        p[0] = 0x60 | 28;
        p[1] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | nalType);
        p.AsSpan(2).Fill(0xAB);
        return p;
    }

    private static byte[] PSlice(int length = 100)
    {
        byte[] p = new byte[length];
        p[0] = 0x41;
        p.AsSpan(1).Fill(0xCD);
        return p;
    }

    private static bool MarkerOf(byte[] packet) => (packet[1] & 0x80) != 0;

    [Fact]
    public async Task DiscardCache_AfterAStop_ANewViewerGetsNoStalePicture_AndStartsAtTheNextKeyframe()
    {
        VideoRtpSource source = StartSource();
        using var watcher = new RecordingSink();
        using IDisposable watching = source.Subscribe(watcher);
        Send(source, Rtp(1, 3600, false, ParameterSets()));
        Send(source, Rtp(2, 3600, true, FuA(5, start: true, end: true)));
        Send(source, Rtp(3, 7200, true, PSlice()));
        await watcher.WaitForCountAsync(3);
        source.Stats.GopCachePackets.Should().Be(3);

        source.DiscardCache();

        source.Stats.GopCachePackets.Should().Be(0);
        using var next = new RecordingSink();
        using IDisposable nextSubscription = source.Subscribe(next);
        next.Count.Should().Be(0, "the previous run's picture is not live video");
        Send(source, Rtp(4, 10800, true, PSlice()));
        Send(source, Rtp(5, 14400, false, ParameterSets()));
        Send(source, Rtp(6, 14400, true, FuA(5, start: true, end: true)));
        await next.WaitForCountAsync(2);
        next.SourceSequenceNumbers().Should().Equal(5, 6);
        next.Snapshot()[0].Info.IsKeyFrameStart.Should().BeTrue();
    }

    [Fact]
    public async Task LargestReplayPackets_RemembersTheLongestGop_AcrossKeyframes_AndForgetsItWhenTheCacheIsDiscarded()
    {
        VideoRtpSource source = StartSource();
        using var watcher = new RecordingSink();
        using IDisposable watching = source.Subscribe(watcher);
        source.LargestReplayPackets.Should().Be(0, "nothing to replay before the first keyframe");

        // A long GOP (keyframe + 10 P-slices), then the next keyframe starts a short one.
        Send(source, Rtp(1, 3600, false, ParameterSets()));
        Send(source, Rtp(2, 3600, true, FuA(5, start: true, end: true)));
        for (ushort seq = 3; seq <= 12; seq++)
        {
            Send(source, Rtp(seq, 3600u * seq, true, PSlice()));
        }

        Send(source, Rtp(13, 3600 * 13, false, ParameterSets()));
        Send(source, Rtp(14, 3600 * 13, true, FuA(5, start: true, end: true)));
        await watcher.WaitForCountAsync(14);

        source.Stats.GopCachePackets.Should().Be(2, "the cache now holds only the new GOP");
        source.LargestReplayPackets.Should().BeGreaterThanOrEqualTo(12, "a PLI late in a GOP like the first replays all of it");

        source.DiscardCache();
        source.LargestReplayPackets.Should().Be(0);
    }

    [Theory]
    [InlineData(1024, 0, 1024)] // before any GOP: the configured history
    [InlineData(1024, 300, 1024)] // a sub stream's GOP fits easily
    [InlineData(1024, 1040, 1552)] // 4 s of 2.5 Mbit/s: the burst plus room for the live packets sent meanwhile
    [InlineData(1024, 50_000, 16384)] // bounded
    public void A_viewers_history_holds_a_whole_replay_burst(int configured, int largestReplay, int expected) =>
        CamStudio.Media.WebRtc.ViewerSession.HistoryCapacity(configured, largestReplay).Should().Be(expected);

    [Fact]
    public async Task LateSubscriber_GetsSpsPpsIdrFromCacheFirst_ThenLive_WithNoGapOrDuplicate()
    {
        VideoRtpSource source = StartSource();
        using var early = new RecordingSink();
        using IDisposable earlySubscription = source.Subscribe(early);

        byte[][] stream =
        [
            Rtp(0, 0, true, PSlice()),                          // before any IDR: nobody can decode it
            Rtp(1, 3600, true, ParameterSets()),                // SPS/PPS with a (wrong) marker bit
            Rtp(2, 3600, false, FuA(5, start: true, end: false)),
            Rtp(3, 3600, false, FuA(5, start: false, end: false)),
            Rtp(4, 3600, true, FuA(5, start: false, end: true)),
            Rtp(5, 7200, true, PSlice()),
            Rtp(6, 10800, false, FuA(1, start: true, end: false)),
            Rtp(7, 10800, true, FuA(1, start: false, end: true)),
        ];
        foreach (byte[] packet in stream)
        {
            Send(source, packet);
        }

        await early.WaitForCountAsync(7);
        var earlyPackets = early.Snapshot();
        early.SourceSequenceNumbers().Should().Equal(1, 2, 3, 4, 5, 6, 7);
        earlyPackets[0].Info.IsKeyFrameStart.Should().BeTrue();
        MarkerOf(earlyPackets[0].Packet).Should().BeFalse("the marker is cleared on an SPS/PPS-only packet");
        earlyPackets.Take(2).Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeTrue(),
            "an early viewer waits for the IDR and gets its access unit so far from the cache");
        earlyPackets.Skip(2).Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeFalse());

        using var late = new RecordingSink();
        using IDisposable lateSubscription = source.Subscribe(late);
        late.Count.Should().Be(7, "the cached GOP is handed over inside Subscribe");
        var cached = late.Snapshot();
        late.SourceSequenceNumbers().Should().Equal(1, 2, 3, 4, 5, 6, 7);
        cached.Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeTrue());
        cached[0].Info.IsKeyFrameStart.Should().BeTrue();
        MarkerOf(cached[0].Packet).Should().BeFalse("the marker is cleared on an SPS/PPS-only packet");
        cached[0].Info.IsAccessUnitEnd.Should().BeFalse();
        cached.Select(p => MarkerOf(p.Packet)).Should().Equal(false, false, false, true, true, false, true);
        cached.Select(p => p.Info.SourceTimestamp).Should().Equal(3600u, 3600u, 3600u, 3600u, 7200u, 10800u, 10800u);

        Send(source, Rtp(8, 14400, true, PSlice()));
        await late.WaitForCountAsync(8);
        await early.WaitForCountAsync(8);
        late.SourceSequenceNumbers().Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        late.Snapshot()[7].Info.IsFromCache.Should().BeFalse();
        early.SourceSequenceNumbers().Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);

        VideoSourceStats stats = source.Stats;
        stats.Width.Should().Be(640);
        stats.Height.Should().Be(360);
        stats.ProfileLevelId.Should().Be("64001e");
        stats.Packets.Should().Be(9);
        stats.Frames.Should().Be(5);
        stats.KeyFrames.Should().Be(1);
        stats.GopCachePackets.Should().Be(8);

        // PLI answer: only the asking viewer gets the GOP again.
        source.ResendKeyFrame(late);
        late.Count.Should().Be(16);
        late.Snapshot().Skip(8).Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeTrue());
        early.Count.Should().Be(8);

        lateSubscription.Dispose();
        Send(source, Rtp(9, 18000, true, PSlice()));
        await early.WaitForCountAsync(9);
        late.Count.Should().Be(16, "an unsubscribed viewer gets nothing more");
        source.SubscriberCount.Should().Be(1);

        // Live (not cached) SPS/PPS with the marker set also goes out with it cleared.
        Send(source, Rtp(10, 21600, true, ParameterSets()));
        await early.WaitForCountAsync(10);
        var liveParameterSets = early.Snapshot()[9];
        liveParameterSets.Info.IsFromCache.Should().BeFalse();
        liveParameterSets.Info.IsKeyFrameStart.Should().BeTrue();
        MarkerOf(liveParameterSets.Packet).Should().BeFalse();
    }

    [Fact]
    public async Task GopCacheBound_IsRespected_AndTheCacheStartsOverAtTheNextKeyFrame()
    {
        VideoRtpSource source = StartSource(gopCacheMaxBytes: 600);
        using var early = new RecordingSink();
        using IDisposable earlySubscription = source.Subscribe(early);

        ushort seq = 0;
        uint ts = 0;
        Send(source, Rtp(seq++, ts, false, ParameterSets()));                   // 49 bytes
        Send(source, Rtp(seq++, ts, false, FuA(5, start: true, end: false)));   // 114
        Send(source, Rtp(seq++, ts, true, FuA(5, start: false, end: true)));    // 114 -> 277
        for (int i = 0; i < 4; i++)
        {
            Send(source, Rtp(seq++, ts += 3600, true, PSlice()));               // 112 each: 389, 501, (613 > 600)
        }

        await early.WaitForCountAsync(7);
        VideoSourceStats stats = source.Stats;
        stats.GopCacheTruncated.Should().BeTrue();
        stats.GopCacheBytes.Should().Be(501).And.BeLessThanOrEqualTo(600);
        stats.GopCachePackets.Should().Be(5);

        using var late = new RecordingSink();
        using IDisposable lateSubscription = source.Subscribe(late);
        late.SourceSequenceNumbers().Should().Equal(0, 1, 2, 3, 4);

        Send(source, Rtp(seq++, ts += 3600, true, PSlice()));                   // seq 7
        await early.WaitForCountAsync(8);
        late.Count.Should().Be(5, "after a truncated GOP the viewer waits for the next keyframe instead of broken P-frames");

        ts += 3600;
        Send(source, Rtp(seq++, ts, true, ParameterSets()));                    // seq 8
        Send(source, Rtp(seq++, ts, false, FuA(5, start: true, end: false)));   // seq 9
        Send(source, Rtp(seq++, ts, true, FuA(5, start: false, end: true)));    // seq 10
        await early.WaitForCountAsync(11);
        await late.WaitForCountAsync(8);
        late.SourceSequenceNumbers().Should().Equal(0, 1, 2, 3, 4, 8, 9, 10);
        var packets = late.Snapshot();
        packets[5].Info.IsKeyFrameStart.Should().BeTrue();
        packets[5].Info.IsFromCache.Should().BeTrue();
        packets[7].Info.IsFromCache.Should().BeFalse();

        stats = source.Stats;
        stats.GopCacheTruncated.Should().BeFalse();
        stats.GopCachePackets.Should().Be(3);
        stats.KeyFrames.Should().Be(2);
        stats.KeyFrameIntervalSeconds.Should().BeApproximately(6 * 3600 / 90_000.0, 1e-9);
    }

    [Fact]
    public async Task SourceRestart_NewSsrc_DropsTheCache_AndViewersResumeAtTheNewKeyFrame()
    {
        VideoRtpSource source = StartSource();
        using var viewer = new RecordingSink();
        using IDisposable subscription = source.Subscribe(viewer);
        Send(source, Rtp(1, 0, false, ParameterSets()));
        Send(source, Rtp(2, 0, true, FuA(5, start: true, end: true)));
        Send(source, Rtp(3, 3600, true, PSlice()));
        await viewer.WaitForCountAsync(3);

        // FFmpeg restarted: new SSRC, and the new stream happens to begin with a P-frame the viewer cannot decode.
        Send(source, WithSsrc(Rtp(500, 90_000, true, PSlice()), 0xBEEF));
        Send(source, WithSsrc(Rtp(501, 93_600, false, ParameterSets()), 0xBEEF));
        Send(source, WithSsrc(Rtp(502, 93_600, true, FuA(5, start: true, end: true)), 0xBEEF));
        await viewer.WaitForCountAsync(5);
        viewer.SourceSequenceNumbers().Should().Equal(1, 2, 3, 501, 502);
        viewer.Snapshot()[3].Info.IsKeyFrameStart.Should().BeTrue();
        viewer.Snapshot()[3].Info.SourceSsrc.Should().Be(0xBEEF);

        using var late = new RecordingSink();
        using (source.Subscribe(late))
        {
            late.SourceSequenceNumbers().Should().Equal(501, 502);
        }
    }

    private static byte[] WithSsrc(byte[] packet, uint ssrc)
    {
        RtpPacketWriter.SetSsrc(packet, ssrc);
        return packet;
    }

    [Fact]
    public async Task ThrowingSink_DoesNotStopTheLoopOrOtherViewers()
    {
        VideoRtpSource source = StartSource();
        using IDisposable bad = source.Subscribe(new ThrowingSink());
        using var good = new RecordingSink();
        using IDisposable goodSubscription = source.Subscribe(good);

        Send(source, Rtp(1, 0, false, ParameterSets()));
        Send(source, Rtp(2, 0, true, FuA(5, start: true, end: true)));
        Send(source, Rtp(3, 3600, true, PSlice()));
        await good.WaitForCountAsync(3);
        good.SourceSequenceNumbers().Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task NonRtpDatagrams_AreDroppedAndCounted()
    {
        VideoRtpSource source = StartSource();
        using var sink = new RecordingSink();
        using IDisposable subscription = source.Subscribe(sink);
        Send(source, [0x00, 0x01, 0x02]);
        Send(source, Rtp(1, 0, false, ParameterSets()));
        Send(source, Rtp(2, 0, true, FuA(5, start: true, end: true)));
        await sink.WaitForCountAsync(2);
        source.Stats.DroppedPackets.Should().Be(1);
    }

    private sealed class ThrowingSink : IVideoPacketSink
    {
        public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info) =>
            throw new InvalidOperationException("viewer broke");
    }
}
