using CamStudio.Media.Rtp;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Rtp;

public class RtpStreamRewriterTests
{
    private const uint OutSsrc = 0x0BADCAFE;
    private const byte OutPt = 102;

    private static byte[] SourcePacket(uint ssrc, ushort seq, uint ts, bool marker)
    {
        byte[] p = new byte[16];
        p[0] = 0x80;
        RtpPacketWriter.SetPayloadType(p, 96);
        RtpPacketWriter.SetMarker(p, marker);
        RtpPacketWriter.SetSequenceNumber(p, seq);
        RtpPacketWriter.SetTimestamp(p, ts);
        RtpPacketWriter.SetSsrc(p, ssrc);
        return p;
    }

    private static RtpHeader Rewrite(RtpStreamRewriter rewriter, uint ssrc, ushort seq, uint ts, bool fromCache = false,
        bool marker = true)
    {
        byte[] p = SourcePacket(ssrc, seq, ts, marker);
        rewriter.Rewrite(p, new VideoPacketInfo(false, marker, fromCache, ts, ssrc, seq));
        RtpHeader.TryRead(p, out RtpHeader h).Should().BeTrue();
        return h;
    }

    [Fact]
    public void LiveStream_GetsOutputSsrcPayloadType_ContinuousSequence_AndSourceDeltas()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, initialSequence: 65534, initialTimestamp: 1000);
        RtpHeader a = Rewrite(rewriter, 1, 500, 90_000, marker: false);
        RtpHeader b = Rewrite(rewriter, 1, 501, 90_000);
        RtpHeader c = Rewrite(rewriter, 1, 502, 93_600);
        RtpHeader d = Rewrite(rewriter, 1, 503, 97_200);

        new[] { a, b, c, d }.Should().AllSatisfy(h =>
        {
            h.Ssrc.Should().Be(OutSsrc);
            h.PayloadType.Should().Be(OutPt);
        });
        new[] { a.SequenceNumber, b.SequenceNumber, c.SequenceNumber, d.SequenceNumber }.Should().Equal(65534, 65535, 0, 1);
        new[] { a.Timestamp, b.Timestamp, c.Timestamp, d.Timestamp }.Should().Equal(1000, 1000, 4600, 8200);
        a.Marker.Should().BeFalse("the rewriter leaves the marker alone");
        b.Marker.Should().BeTrue();
        rewriter.PacketCount.Should().Be(4);
        rewriter.OctetCount.Should().Be(4 * 4);
        rewriter.LastSequenceNumber.Should().Be(1);
        rewriter.LastTimestamp.Should().Be(8200);
    }

    [Fact]
    public void SourceRestart_NewSsrcAndRandomTimestamp_KeepsOutputMonotonicByOneFrameStep()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 0, 0);
        Rewrite(rewriter, 1, 10, 4_000_000_000);
        RtpHeader beforeRestart = Rewrite(rewriter, 1, 11, 4_000_003_600);

        // FFmpeg restarted: new SSRC, new random sequence and timestamp base (here lower than before).
        RtpHeader afterRestart = Rewrite(rewriter, 2, 9000, 12_345);
        RtpHeader next = Rewrite(rewriter, 2, 9001, 12_345 + 3600);

        afterRestart.SequenceNumber.Should().Be((ushort)(beforeRestart.SequenceNumber + 1));
        afterRestart.Timestamp.Should().Be(beforeRestart.Timestamp + 3600, "one ordinary frame step, the last one seen");
        next.Timestamp.Should().Be(afterRestart.Timestamp + 3600);
    }

    [Fact]
    public void TimestampWrap_InTheSource_IsAnOrdinaryStep()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 0, 500);
        Rewrite(rewriter, 1, 1, uint.MaxValue - 1000);
        Rewrite(rewriter, 1, 2, 2600).Timestamp.Should().Be(500 + 3601);
    }

    [Fact]
    public void BackwardsOrHugeJump_SameSsrc_StillMovesForward()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 0, 0);
        Rewrite(rewriter, 1, 1, 100_000);
        Rewrite(rewriter, 1, 2, 103_000).Timestamp.Should().Be(3000);
        Rewrite(rewriter, 1, 3, 50_000).Timestamp.Should().Be(6000, "a backwards source step becomes one frame step");
        Rewrite(rewriter, 1, 4, 50_000 + (10 * 90_000)).Timestamp.Should().Be(9000, "a 10 s jump is a restart, not a pause");
    }

    [Fact]
    public void CachedBurst_IsCompressedTo1msPerFrame_AndLiveContinuesFromItsLastFrame()
    {
        // A late joiner: the cache holds a GOP whose frames are 40 ms (3600 ticks) apart and seconds old.
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 100, 5000);
        var outTimestamps = new List<uint>();
        uint sourceTs = 1_000_000;
        for (int frame = 0; frame < 50; frame++, sourceTs += 3600)
        {
            outTimestamps.Add(Rewrite(rewriter, 7, (ushort)(frame * 2), sourceTs, fromCache: true, marker: false).Timestamp);
            outTimestamps.Add(Rewrite(rewriter, 7, (ushort)((frame * 2) + 1), sourceTs, fromCache: true).Timestamp);
        }

        uint lastCachedSourceTs = sourceTs - 3600;
        outTimestamps[0].Should().Be(5000);
        outTimestamps[1].Should().Be(5000, "packets of one frame share a timestamp");
        outTimestamps[^1].Should().Be(5000 + (49 * RtpStreamRewriter.CachedFrameSpacing),
            "49 frame steps of 1 ms: the whole 2 s GOP occupies 49 ms of media time");

        // The first live frame is the one after the last cached frame: it continues by the source's own delta.
        RtpHeader live = Rewrite(rewriter, 7, 100, lastCachedSourceTs + 3600);
        live.Timestamp.Should().Be(outTimestamps[^1] + 3600);
        live.SequenceNumber.Should().Be(200, "100 cached packets after initial sequence 100, no gap");
    }

    [Fact]
    public void CacheToLiveHandOverMidFrame_KeepsTheFrameTimestamp()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 0, 0);
        Rewrite(rewriter, 7, 1, 7200, fromCache: true);
        RtpHeader cachedHalf = Rewrite(rewriter, 7, 2, 10_800, fromCache: true, marker: false);
        RtpHeader liveHalf = Rewrite(rewriter, 7, 3, 10_800);
        liveHalf.Timestamp.Should().Be(cachedHalf.Timestamp);
    }

    [Fact]
    public void ReplayAfterPli_DuringLive_StaysMonotonic()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, OutPt, 0, 0);
        uint lastOut = 0;
        for (uint ts = 0; ts <= 36_000; ts += 3600)
        {
            lastOut = Rewrite(rewriter, 7, (ushort)(ts / 3600), ts).Timestamp;
        }

        // PLI: the cached GOP (source ts 0..36000) is replayed into the running stream.
        var replayed = new List<uint>();
        for (uint ts = 0; ts <= 36_000; ts += 3600)
        {
            replayed.Add(Rewrite(rewriter, 7, (ushort)(ts / 3600), ts, fromCache: true).Timestamp);
        }

        replayed.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        replayed[0].Should().BeGreaterThan(lastOut);
        Rewrite(rewriter, 7, 11, 39_600).Timestamp.Should().Be(replayed[^1] + 3600);
    }

    [Theory]
    [InlineData(8000, 160u)]
    [InlineData(48000, 960u)]
    public void AudioClock_RestartStepsByTheLastPacketDuration_AndPlausibilityScalesWithTheClock(int clockRate, uint packetStep)
    {
        // Audio: every packet has its own timestamp; 20 ms is 160 ticks of G.711's 8 kHz and 960 of Opus' 48 kHz.
        var rewriter = new RtpStreamRewriter(OutSsrc, 8, 100, 7000, clockRate);
        uint[] outTs =
        [
            Rewrite(rewriter, 1, 1, 50_000).Timestamp,
            Rewrite(rewriter, 1, 2, 50_000 + packetStep).Timestamp,
            Rewrite(rewriter, 2, 900, 3).Timestamp,                                   // FFmpeg restarted
            Rewrite(rewriter, 2, 901, 3 + packetStep).Timestamp,
            Rewrite(rewriter, 2, 902, 3 + packetStep + (uint)(6 * clockRate)).Timestamp, // 6 s forward in one step: a jump
        ];

        outTs.Should().Equal(7000, 7000 + packetStep, 7000 + (2 * packetStep), 7000 + (3 * packetStep), 7000 + (4 * packetStep));
        rewriter.ClockRate.Should().Be(clockRate);
        rewriter.OutputSsrc.Should().Be(OutSsrc);
    }

    [Fact]
    public void AudioClock_FirstJumpBeforeAnyLiveDelta_IsOneDefault20msPacket()
    {
        var rewriter = new RtpStreamRewriter(OutSsrc, 0, 0, 0, clockRate: 8000);
        Rewrite(rewriter, 1, 1, 1000);

        Rewrite(rewriter, 2, 1, 99).Timestamp.Should().Be(160, "20 ms at 8 kHz, not the video default of 3000 ticks (375 ms here)");
    }

    [Fact]
    public void VideoClock_IsTheDefault()
    {
        new RtpStreamRewriter(OutSsrc, OutPt, 0, 0).ClockRate.Should().Be(90_000);
        FluentActions.Invoking(() => new RtpStreamRewriter(OutSsrc, OutPt, 0, 0, clockRate: 0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
