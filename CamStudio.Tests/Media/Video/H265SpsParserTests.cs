using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Video;

/// <summary>
/// H.265 §7.3.2.1 / §7.3.2.2 / §7.3.3 on parameter sets captured from libx265 (FFmpeg 5.1, <c>-f lavfi -i testsrc2
/// -c:v libx265 -x265-params keyint=25:...</c>), with what ffprobe reported for the same stream; CODECS values per
/// ISO/IEC 14496-15 Annex E.
/// </summary>
public class H265SpsParserTests
{
    // 640x360 4:2:0 8-bit, bframes=0: ffprobe says Main, level 63 (2.1).
    internal const string Vps640x360 = "40010c01ffff01600000030090000003000003003f928090";
    internal const string Sps640x360 = "42010101600000030090000003000003003fa0050201696592a4932bc05a020000030002000003003210";
    internal const string Pps640x360 = "4401c172b46240";

    // 650x366: not a multiple of the 8-pixel minimum coding block, so x265 codes 656x368 and crops with the conformance window.
    private const string Sps650x366 = "42010101600000030090000003000003003fa005220171c95964a924caf0168080000003008000000c84";

    // 1920x1080 yuv420p10le, bframes=0: Main 10, level 120 (4).
    private const string SpsMain10 = "420101022000000300900000030000030078a003c08010e4d964a924caf0168080000003008000000c84";

    // 1920x1080 yuv420p, bframes=3: ffprobe has_b_frames=2.
    private const string SpsWithBFrames = "420101016000000300900000030000030078a003c08010e596565924caf0168080000003008000000c84";

    // 1920x1080 yuv422p: Rext (profile 4), constraint flags beyond the first byte.
    private const string Vps422 = "40010c01ffff0408000003009d08000003000078928090";
    private const string Sps422 = "4201010408000003009d08000003000078b003c08010e5964a924caf016808000003000800000300c840";

    [Theory]
    [InlineData(Sps640x360, 640, 360, 1, 8, 0, "hvc1.1.6.L63.90")]
    [InlineData(Sps650x366, 650, 366, 1, 8, 0, "hvc1.1.6.L63.90")]
    [InlineData(SpsMain10, 1920, 1080, 1, 10, 0, "hvc1.2.4.L120.90")]
    [InlineData(SpsWithBFrames, 1920, 1080, 1, 8, 2, "hvc1.1.6.L120.90")]
    [InlineData(Sps422, 1920, 1080, 2, 8, 0, "hvc1.4.10.L120.9D.08")]
    public void Sps_FromLibx265_GivesWhatFfprobeSaw(string hex, int width, int height, int chroma, int bitDepth, int reorder, string codecs)
    {
        H265SpsParser.TryParse(Convert.FromHexString(hex), out H265SpsInfo info).Should().BeTrue();
        info.Width.Should().Be(width, "the conformance window is applied");
        info.Height.Should().Be(height);
        info.ChromaFormatIdc.Should().Be(chroma);
        info.BitDepthLuma.Should().Be(bitDepth);
        info.BitDepthChroma.Should().Be(bitDepth);
        info.MaxNumReorderPics.Should().Be(reorder);
        info.MaxSubLayers.Should().Be(1);
        info.TemporalIdNested.Should().BeTrue();
        info.ProfileTierLevel.Codecs().Should().Be(codecs);
    }

    [Fact]
    public void Sps_ProfileTierLevel_FieldsInBitstreamOrder()
    {
        H265SpsParser.TryParse(Convert.FromHexString(Sps422), out H265SpsInfo info).Should().BeTrue();
        info.ProfileTierLevel.Should().Be(new H265ProfileTierLevel(
            ProfileSpace: 0, HighTier: false, ProfileIdc: 4, CompatibilityFlags: 0x0800_0000,
            ConstraintFlags: 0x9D08_0000_0000, LevelIdc: 120));
    }

    [Fact]
    public void Vps_FromLibx265_CarriesTheSameProfileTierLevelAsTheSps()
    {
        H265SpsParser.TryParseVps(Convert.FromHexString(Vps640x360), out H265VpsInfo vps).Should().BeTrue();
        H265SpsParser.TryParse(Convert.FromHexString(Sps640x360), out H265SpsInfo sps).Should().BeTrue();
        vps.ProfileTierLevel.Should().Be(sps.ProfileTierLevel);
        vps.MaxSubLayers.Should().Be(1);

        H265SpsParser.TryParseVps(Convert.FromHexString(Vps422), out H265VpsInfo vps422).Should().BeTrue();
        vps422.ProfileTierLevel.Codecs().Should().Be("hvc1.4.10.L120.9D.08");
    }

    [Theory]
    [InlineData(0, false, 1, 0x6000_0000u, 0xB000_0000_0000ul, 93, "hvc1.1.6.L93.B0")] // 14496-15 Annex E example
    [InlineData(0, true, 2, 0x2000_0000u, 0ul, 153, "hvc1.2.4.H153")] // all constraint bytes zero: none written
    [InlineData(1, false, 1, 0x6000_0000u, 0x0000_0100_0000ul, 90, "hvc1.A1.6.L90.00.00.01")] // inner zero bytes stay
    public void Codecs_FollowsAnnexE(int space, bool high, int profile, uint compatibility, ulong constraints, int level, string expected) =>
        new H265ProfileTierLevel((byte)space, high, (byte)profile, compatibility, constraints, (byte)level).Codecs().Should().Be(expected);

    [Fact]
    public void BadInput_IsFalse_NeverAnException()
    {
        byte[] sps = Convert.FromHexString(Sps640x360);
        byte[] vps = Convert.FromHexString(Vps640x360);
        H265SpsParser.TryParse([], out _).Should().BeFalse();
        H265SpsParser.TryParse(sps.AsSpan(0, 2), out _).Should().BeFalse("header only");
        H265SpsParser.TryParse(vps, out _).Should().BeFalse("a VPS is no SPS");
        H265SpsParser.TryParseVps(sps, out _).Should().BeFalse("an SPS is no VPS");
        H265SpsParser.TryParse(Convert.FromHexString(Pps640x360), out _).Should().BeFalse("a PPS is no SPS");
        byte[] forbidden = [.. sps];
        forbidden[0] |= 0x80;
        H265SpsParser.TryParse(forbidden, out _).Should().BeFalse("forbidden_zero_bit set");
        H265SpsParser.TryParseVps(vps.AsSpan(0, 10), out _).Should().BeFalse("truncated VPS");
        for (int length = 2; length < 20; length++)
        {
            H265SpsParser.TryParse(sps.AsSpan(0, length), out _).Should().BeFalse($"truncated to {length} bytes");
        }

        var random = new Random(265);
        byte[] garbage = new byte[300];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(garbage);
            garbage[0] = (byte)(i % 2 == 0 ? 0x42 : 0x40); // mostly SPS / VPS headers so the parsers get past the type check
            int length = random.Next(0, garbage.Length);
            H265SpsParser.TryParse(garbage.AsSpan(0, length), out _);
            H265SpsParser.TryParseVps(garbage.AsSpan(0, length), out _);
        }
    }
}
