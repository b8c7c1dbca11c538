using CamStudio.Media.Hls;

namespace CamStudio.Tests.Media.Hls;

public class HlsResourceNamesTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(long.MaxValue)]
    public void SegmentName_RoundTrips(long msn)
    {
        string name = HlsResourceNames.SegmentName(msn);
        HlsResourceNames.TryParseSegmentName(name, out long parsed).Should().BeTrue(name);
        parsed.Should().Be(msn);
        HlsResourceNames.TryParsePartName(name, out _, out _).Should().BeFalse("a segment name is not a part name");
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(12L, 3)]
    [InlineData(long.MaxValue, int.MaxValue)]
    public void PartName_RoundTrips(long msn, int index)
    {
        string name = HlsResourceNames.PartName(msn, index);
        HlsResourceNames.TryParsePartName(name, out long parsedMsn, out int parsedIndex).Should().BeTrue(name);
        (parsedMsn, parsedIndex).Should().Be((msn, index));
        HlsResourceNames.TryParseSegmentName(name, out _).Should().BeFalse("a part name is not a segment name");
    }

    [Fact]
    public void Names_AreTheDocumentedOnes()
    {
        HlsResourceNames.SegmentName(5).Should().Be("seg5.m4s");
        HlsResourceNames.PartName(5, 2).Should().Be("part5.2.m4s");
        HlsResourceNames.InitName.Should().Be("init.mp4");
    }

    [Theory]
    [InlineData("")]
    [InlineData("seg.m4s")]
    [InlineData("../seg1.m4s")]
    [InlineData("seg1.m4s/")]
    [InlineData("seg/1.m4s")]
    [InlineData("seg01.m4s")]
    [InlineData("seg-1.m4s")]
    [InlineData("seg+1.m4s")]
    [InlineData("seg 1.m4s")]
    [InlineData("seg1 .m4s")]
    [InlineData("seg1.M4S")]
    [InlineData("SEG1.m4s")]
    [InlineData("seg1.mp4")]
    [InlineData("seg1.m4s\0")]
    [InlineData("seg\u0661.m4s")] // ARABIC-INDIC DIGIT ONE: a digit to char.IsDigit, not to us
    [InlineData("seg9223372036854775808.m4s")] // long.MaxValue + 1
    [InlineData("seg99999999999999999999999999999999999999.m4s")]
    public void TryParseSegmentName_RefusesEverythingElse(string name)
    {
        HlsResourceNames.TryParseSegmentName(name, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("part1.m4s")]
    [InlineData("part-1.0.m4s")]
    [InlineData("part01.0.m4s")]
    [InlineData("part1.00.m4s")]
    [InlineData("part1..m4s")]
    [InlineData("part.0.m4s")]
    [InlineData("part1.0.0.m4s")]
    [InlineData("part1.-0.m4s")]
    [InlineData("part1.2147483648.m4s")] // int.MaxValue + 1
    [InlineData("part99999999999999999999.0.m4s")]
    [InlineData("../part1.0.m4s")]
    [InlineData("part1.0.m4s/..")]
    [InlineData("part1.0.m4s?x")]
    [InlineData("part 1.0.m4s")]
    public void TryParsePartName_RefusesEverythingElse(string name)
    {
        HlsResourceNames.TryParsePartName(name, out _, out _).Should().BeFalse();
    }
}

public class HlsQueryTests
{
    [Fact]
    public void NoDirectives_IsAnOrdinaryRequest()
    {
        HlsQuery.TryParse(null, null, out HlsBlockingRequest? request, out string? reason).Should().BeTrue();
        request.Should().BeNull();
        reason.Should().BeNull();
    }

    [Theory]
    [InlineData("0", null, 0L, null)]
    [InlineData("42", null, 42L, null)]
    [InlineData("42", "0", 42L, 0)]
    [InlineData("9223372036854775807", "2147483647", long.MaxValue, int.MaxValue)]
    public void ValidDirectives_Parse(string msn, string? part, long expectedMsn, int? expectedPart)
    {
        HlsQuery.TryParse(msn, part, out HlsBlockingRequest? request, out string? reason).Should().BeTrue(reason);
        request.Should().Be(new HlsBlockingRequest(expectedMsn, expectedPart));
    }

    [Theory]
    [InlineData(null, "1", "_HLS_part requires _HLS_msn")] // §6.2.5.2: MUST return 400
    [InlineData("", null, "_HLS_msn")]
    [InlineData("-1", null, "_HLS_msn")]
    [InlineData("+1", null, "_HLS_msn")]
    [InlineData("01", null, "_HLS_msn")]
    [InlineData("1.0", null, "_HLS_msn")]
    [InlineData(" 1", null, "_HLS_msn")]
    [InlineData("0x1", null, "_HLS_msn")]
    [InlineData("9223372036854775808", null, "_HLS_msn")]
    [InlineData("1", "", "_HLS_part")]
    [InlineData("1", "-1", "_HLS_part")]
    [InlineData("1", "00", "_HLS_part")]
    [InlineData("1", "2147483648", "_HLS_part")]
    public void InvalidDirectives_AreRefusedWithAReason(string? msn, string? part, string reasonMentions)
    {
        HlsQuery.TryParse(msn, part, out HlsBlockingRequest? request, out string? reason).Should().BeFalse();
        request.Should().BeNull();
        reason.Should().StartWith(reasonMentions);
    }
}
