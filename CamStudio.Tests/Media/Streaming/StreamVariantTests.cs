using CamStudio.Media.Streaming;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>The one parser of the quality names that query strings and the live tiles send.</summary>
public sealed class StreamVariantTests
{
    [Theory]
    [InlineData("stream1", StreamVariant.Stream1)]
    [InlineData("stream2", StreamVariant.Stream2)]
    public void The_two_wire_names_parse(string name, StreamVariant expected)
    {
        StreamVariantNames.TryParse(name, out StreamVariant? variant).Should().BeTrue();
        variant.Should().Be(expected);
        StreamVariantNames.ToName(expected).Should().Be(name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Absent_means_the_cameras_own_setting(string? name)
    {
        StreamVariantNames.TryParse(name, out StreamVariant? variant).Should().BeTrue();
        variant.Should().BeNull();
    }

    [Theory]
    [InlineData("Stream1")]
    [InlineData("STREAM2")]
    [InlineData("stream3")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData(" stream1")]
    [InlineData("hd")]
    public void Anything_else_is_refused(string name)
    {
        StreamVariantNames.TryParse(name, out StreamVariant? variant).Should().BeFalse();
        variant.Should().BeNull();
    }

    [Fact]
    public void Stream_keys_use_the_wire_names()
    {
        CameraStream.KeyFor(3, StreamVariant.Stream2).Should().Be("3-stream2");
        CameraStream.KeyFor(12, StreamVariant.Stream1).Should().Be("12-stream1");
    }
}
