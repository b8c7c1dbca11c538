using CamStudio.Media.Streaming;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Streaming;

public class H264NalTests
{
    // Real parameter sets from libx264 (ffmpeg testsrc2, -profile:v high), as they appear on the wire.
    internal static readonly byte[] s_sps640x360 = Convert.FromHexString("6764001eacd940a02ff97011000003000100000300320f162d96");
    internal static readonly byte[] s_sps1920x1080 = Convert.FromHexString("67640028acd940780227e5c044000003000400000300c83c60c658");
    internal static readonly byte[] s_spsBaseline352x288 = Convert.FromHexString("6742c00dd9016096c044000003000400000300c83c50a920");
    internal static readonly byte[] s_pps = Convert.FromHexString("68ebe3cb22c0");

    [Theory]
    [InlineData("6764001eacd940a02ff97011000003000100000300320f162d96", 640, 360, "64001e")]
    [InlineData("67640028acd940780227e5c044000003000400000300c83c60c658", 1920, 1080, "640028")] // cropped from 1088
    [InlineData("6742c00dd9016096c044000003000400000300c83c50a920", 352, 288, "42c00d")]
    public void SpsParse_WidthHeightAndProfileLevelId(string hex, int width, int height, string profileLevelId)
    {
        H264SpsParser.TryParse(Convert.FromHexString(hex), out H264SpsInfo info).Should().BeTrue();
        info.Width.Should().Be(width);
        info.Height.Should().Be(height);
        info.ProfileLevelId.Should().Be(profileLevelId);
    }

    [Fact]
    public void SpsParse_RejectsNonSpsAndTruncatedInput()
    {
        H264SpsParser.TryParse(s_pps, out _).Should().BeFalse();
        H264SpsParser.TryParse(s_sps640x360.AsSpan(0, 6), out _).Should().BeFalse();
        H264SpsParser.TryParse([], out _).Should().BeFalse();
    }

    [Fact]
    public void Rfc6184_5_6_SingleNalUnit()
    {
        H264Nal.Classify([0x65, 0x88, 0x84], out _).Should().Be(VideoPacketContent.IdrSlice);
        H264Nal.Classify([0x41, 0x9A], out _).Should().Be(VideoPacketContent.NonIdrSlice);
        H264Nal.Classify(s_sps640x360, out ReadOnlySpan<byte> sps).Should().Be(VideoPacketContent.Sps);
        sps.ToArray().Should().Equal(s_sps640x360);
        H264Nal.Classify([0x06, 0x05], out _).Should().Be(VideoPacketContent.Other); // SEI
    }

    [Fact]
    public void Rfc6184_5_7_1_StapA_LooksInsideEveryAggregatedNal()
    {
        byte[] stap = StapA(s_sps640x360, s_pps);
        H264Nal.Classify(stap, out ReadOnlySpan<byte> sps).Should().Be(VideoPacketContent.Sps | VideoPacketContent.Pps);
        sps.ToArray().Should().Equal(s_sps640x360);

        byte[] withIdr = StapA(s_sps640x360, s_pps, [0x65, 0xB8, 0x00]);
        H264Nal.Classify(withIdr, out _).Should().Be(VideoPacketContent.Sps | VideoPacketContent.Pps | VideoPacketContent.IdrSlice);
    }

    [Fact]
    public void Rfc6184_5_8_FuA_TypeFromTheFuHeader()
    {
        H264Nal.Classify([0x7C, 0x85, 0xB8], out _).Should().Be(VideoPacketContent.IdrSlice); // start of an IDR
        H264Nal.Classify([0x7C, 0x45, 0xB8], out _).Should().Be(VideoPacketContent.IdrSlice); // end of an IDR
        H264Nal.Classify([0x5C, 0x81, 0x9A], out _).Should().Be(VideoPacketContent.NonIdrSlice);
        H264Nal.IsFragmentStartOrWhole([0x7C, 0x85]).Should().BeTrue();
        H264Nal.IsFragmentStartOrWhole([0x7C, 0x05]).Should().BeFalse();
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(6184);
        byte[] buffer = new byte[120];
        for (int i = 0; i < 30_000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0 && i % 3 == 0)
            {
                buffer[0] = (byte)((buffer[0] & 0xE0) | (i % 2 == 0 ? 24 : 7)); // STAP-A or SPS
            }

            H264Nal.Classify(buffer.AsSpan(0, length), out ReadOnlySpan<byte> sps);
            H264SpsParser.TryParse(buffer.AsSpan(0, length), out _);
            H264SpsParser.TryParse(sps, out _);
        }
    }

    internal static byte[] StapA(params byte[][] nals)
    {
        var stap = new List<byte> { 0x78 }; // F=0, NRI=3, type 24
        foreach (byte[] nal in nals)
        {
            stap.Add((byte)(nal.Length >> 8));
            stap.Add((byte)nal.Length);
            stap.AddRange(nal);
        }

        return [.. stap];
    }
}
