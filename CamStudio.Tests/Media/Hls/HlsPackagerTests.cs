using CamStudio.Media.Hls;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Streaming;
using CamStudio.Tests.Web.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Hls;

public sealed class HlsPackagerTests : IDisposable
{
    private const long FrameTicks = 3600; // 25 fps
    private static readonly byte[] s_pps = H264NalTests.s_pps;

    private readonly ManualTimeProvider _clock = new();
    private readonly List<HlsPackager> _packagers = [];

    public void Dispose()
    {
        foreach (HlsPackager packager in _packagers)
        {
            packager.Dispose();
        }
    }

    private HlsPackager Create(ILogger<HlsPackager>? logger = null)
    {
        var packager = new HlsPackager(new HlsPartStoreOptions(), _clock, logger ?? NullLogger<HlsPackager>.Instance, "cam-1");
        _packagers.Add(packager);
        return packager;
    }

    private static byte[] Idr(int n) => [0x65, 0x88, (byte)n, (byte)(n >> 8), 0x42, 0x42];

    private static byte[] PSlice(int n) => [0x41, 0x9A, (byte)n, (byte)(n >> 8), 0x24];

    /// <summary>Frame <paramref name="n"/> of a stream with an IDR (carrying SPS and PPS) every <paramref name="keyInterval"/> frames.</summary>
    private static void Frame(HlsPackager packager, H264RtpPacketizer packetizer, int n, uint timestamp, int keyInterval = 50,
        byte[]? sps = null)
    {
        List<RtpTestPacket> packets = n % keyInterval == 0
            ? packetizer.AccessUnit(timestamp, sps ?? H264NalTests.s_sps640x360, s_pps, Idr(n))
            : packetizer.AccessUnit(timestamp, PSlice(n));
        H264RtpPacketizer.Feed(packager, packets);
    }

    private static List<HlsPart> AllParts(HlsPartStore store)
    {
        HlsPlaylistSnapshot snapshot = store.Snapshot();
        return [.. snapshot.Segments.SelectMany(s => s.Parts), .. snapshot.OpenParts];
    }

    /// <summary>The tfdt (first decode time) and sample count of a part, read back from its bytes.</summary>
    private static (long DecodeTime, int Samples) ReadPart(HlsPart part)
    {
        byte[] data = part.Data.ToArray();
        Dictionary<string, Mp4Box> tree = Mp4Boxes.Tree(data, data.Length);
        Mp4Box tfdt = tree.Single(b => b.Key.EndsWith("tfdt", StringComparison.Ordinal)).Value;
        Mp4Box trun = tree.Single(b => b.Key.EndsWith("trun", StringComparison.Ordinal)).Value;
        return ((long)Mp4Boxes.UInt64(data, tfdt.PayloadOffset + 4), (int)Mp4Boxes.UInt32(data, trun.PayloadOffset + 4));
    }

    /// <summary>Parts tile the timeline: each starts where the previous ended, starting at <paramref name="start"/>.</summary>
    private static void ShouldTileTheTimeline(List<HlsPart> parts, long start)
    {
        long expected = start;
        foreach (HlsPart part in parts)
        {
            ReadPart(part).DecodeTime.Should().Be(expected);
            expected += part.Duration;
        }
    }

    [Theory]
    [InlineData(3600, 50, 8 * 3600 + 450, 8)] // 25 fps: 0.32 s parts, PART-TARGET 0.325 s
    [InlineData(3000, 50, 10 * 3000 + 375, 10)] // 30 fps: 0.333 s
    [InlineData(45_000, 4, 45_000 + 5625, 1)] // 2 fps: one frame per part rather than frames cut short
    public void Parts_AreWholeFramesUpToPartTarget_AndEveryIdrStartsAnIndependentPart(
        long frameTicks, int keyInterval, long partTarget, int framesPerPart)
    {
        HlsPackager packager = Create();
        var packetizer = new H264RtpPacketizer(0xAA);
        for (int n = 0; n < 3 * keyInterval; n++)
        {
            Frame(packager, packetizer, n, (uint)(n * frameTicks), keyInterval);
        }

        HlsPartStore store = packager.Store!;
        store.Options.PartTarget.Should().Be(partTarget);
        List<HlsPart> parts = AllParts(store);
        parts.Should().OnlyContain(p => p.Duration <= store.Options.PartTarget, "§4.4.4.9: no part longer than PART-TARGET");
        int[] samples = [.. parts.Select(p => ReadPart(p).Samples)];
        int[] firstFrames = [.. samples.Select((_, i) => samples.Take(i).Sum())];
        firstFrames.Where((_, i) => parts[i].Independent).Should().Equal([0, keyInterval, 2 * keyInterval], "independent parts are the ones at IDRs");
        for (int i = 0; i < parts.Count; i++)
        {
            bool beforeIdr = i + 1 < parts.Count && parts[i + 1].Independent;
            if (!beforeIdr)
            {
                samples[i].Should().Be(framesPerPart, $"part {i} is full");
            }
        }

        ShouldTileTheTimeline(parts, 0);
        samples.Sum().Should().BeGreaterThan((3 * keyInterval) - framesPerPart - 2, "only the newest pictures still wait");
        packager.Problem.Should().BeNull();
        packager.Generation.Should().Be(1);
        packager.Stats.Parts.Should().Be(parts.Count);
    }

    [Fact]
    public void NoStore_BeforeAKeyFrameWithParameterSets()
    {
        HlsPackager packager = Create();
        var packetizer = new H264RtpPacketizer(0xAB);
        for (int n = 1; n < 40; n++)
        {
            Frame(packager, packetizer, n, (uint)(n * FrameTicks));
        }

        packager.Store.Should().BeNull();
        packager.Generation.Should().Be(0);
        H264RtpPacketizer.Feed(packager, packetizer.AccessUnit(40 * 3600, Idr(40))); // an IDR without SPS/PPS
        H264RtpPacketizer.Feed(packager, packetizer.AccessUnit(41 * 3600, PSlice(41)));
        packager.Store.Should().BeNull("an init segment needs the SPS and PPS");
    }

    [Fact]
    public async Task SpsChange_StartsANewGeneration_AndTheOldStoresWaitersSeeClosed()
    {
        HlsPackager packager = Create();
        var packetizer = new H264RtpPacketizer(0xAC);
        for (int n = 0; n < 60; n++)
        {
            Frame(packager, packetizer, n, (uint)(n * FrameTicks));
        }

        HlsPartStore first = packager.Store!;
        HlsPlaylistSnapshot snapshot = first.Snapshot();
        ValueTask<HlsWaitResult> waiting = first.WaitForAsync(snapshot.OpenMsn, snapshot.OpenParts.Count, CancellationToken.None);
        waiting.IsCompleted.Should().BeFalse();

        // The camera rebooted at 1080p: the next IDR carries another SPS.
        for (int n = 100; n < 110; n++)
        {
            Frame(packager, packetizer, n, (uint)(n * FrameTicks), sps: H264NalTests.s_sps1920x1080);
        }

        (await waiting).Should().Be(HlsWaitResult.Closed);
        packager.Generation.Should().Be(2);
        HlsPartStore second = packager.Store!;
        second.Should().NotBeSameAs(first);
        second.TryGetInitSegment(out ReadOnlyMemory<byte> init).Should().BeTrue();
        init.ToArray().AsSpan().IndexOf(H264NalTests.s_sps1920x1080).Should().BePositive("the new init segment carries the new SPS");
        List<HlsPart> parts = AllParts(second);
        parts[0].Independent.Should().BeTrue();
        ReadPart(parts[0]).DecodeTime.Should().Be(100 * FrameTicks, "the timeline goes on, it does not restart");
    }

    [Fact]
    public void BFrames_AreRefusedWithAProblemLoggedOnce_AndANewSsrcWithoutThemRecovers()
    {
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        HlsPackager packager = Create(factory.CreateLogger<HlsPackager>());
        var packetizer = new H264RtpPacketizer(0xAD);

        // Presentation order I0 P3 B1 B2 P6 B4 B5 ...: the timestamps of consecutive access units go backwards.
        int[] order = [0, 3, 1, 2, 6, 4, 5, 9, 7, 8];
        foreach (int n in order)
        {
            Frame(packager, packetizer, n, (uint)(n * FrameTicks));
        }

        packager.Problem.Should().Be(HlsPackager.BFramesProblem);
        packager.Store.Should().BeNull();
        logs.Entries.Where(e => e.Contains("B-frames", StringComparison.Ordinal)).Should().ContainSingle();

        packetizer.Ssrc = 0xAE; // FFmpeg restarted after the camera was set to send no B-frames
        for (int n = 0; n < 20; n++)
        {
            Frame(packager, packetizer, n, (uint)(777 + (n * FrameTicks)));
        }

        packager.Problem.Should().BeNull();
        packager.Store.Should().NotBeNull();
        AllParts(packager.Store!).Should().NotBeEmpty();
    }

    [Fact]
    public void NewSsrc_ContinuesTheTimelineOneFrameOnward_AndATimestampWrapIsAStepForward()
    {
        HlsPackager packager = Create();
        var packetizer = new H264RtpPacketizer(0xB0);
        const uint nearWrap = 0xFFFF_0000; // wraps after ~18 frames
        for (int n = 0; n < 50; n++)
        {
            Frame(packager, packetizer, n, unchecked(nearWrap + (uint)(n * FrameTicks)));
        }

        packetizer.Ssrc = 0xB1; // a new FFmpeg: timestamps start anywhere, here far back
        for (int n = 0; n < 30; n++)
        {
            Frame(packager, packetizer, n, (uint)(5 + (n * FrameTicks)));
        }

        packager.Problem.Should().BeNull();
        List<HlsPart> parts = AllParts(packager.Store!);
        ShouldTileTheTimeline(parts, 0);
        parts.Where(p => p.Independent).Select(p => ReadPart(p).DecodeTime).Should().Equal(0, 50 * FrameTicks);
    }

    [Fact]
    public void GapAfterLoss_CutsTheLastPictureToPartTarget_AndResumesAtTheIdr()
    {
        HlsPackager packager = Create();
        var packetizer = new H264RtpPacketizer(0xB2);
        for (int n = 0; n < 50; n++)
        {
            List<RtpTestPacket> packets = n % 50 == 0
                ? packetizer.AccessUnit((uint)(n * FrameTicks), H264NalTests.s_sps640x360, s_pps, Idr(n))
                : packetizer.AccessUnit((uint)(n * FrameTicks), PSlice(n));
            if (n is < 12 or >= 30)
            {
                H264RtpPacketizer.Feed(packager, packets); // frames 12-29 lost on the way
            }
        }

        for (int n = 50; n <= 58; n++)
        {
            Frame(packager, packetizer, n, (uint)(n * FrameTicks)); // the IDR's part goes out when frame 58 arrives
        }

        List<HlsPart> parts = AllParts(packager.Store!);
        parts.Should().OnlyContain(p => p.Duration <= packager.Store!.Options.PartTarget);
        ReadPart(parts[^1]).DecodeTime.Should().Be(50 * FrameTicks);
        parts[^1].Independent.Should().BeTrue();
        packager.Stats.LostPackets.Should().BeGreaterThan(0);
        packager.Stats.DroppedAccessUnits.Should().Be(20, "frames 30-49 are P-frames after the loss");
    }
}
