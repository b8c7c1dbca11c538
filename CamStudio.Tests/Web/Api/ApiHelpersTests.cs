using CamStudio.Web.Api;

namespace CamStudio.Tests.Web.Api;

public class ApiHelpersTests
{
    [Theory]
    [InlineData("$.stream_quality", "stream_quality")]
    [InlineData("$.name.first", "name")]
    [InlineData("$.tags[0]", "tags")]
    [InlineData("$", null)]
    [InlineData("$.", null)]
    [InlineData(null, null)]
    public void Json_path_maps_to_the_top_level_field(string? path, string? field) => ApiProblemMiddleware.FieldOf(path).Should().Be(field);

    [Theory]
    [InlineData("\"3\"", true, 3)]
    [InlineData("W/\"4\"", true, 4)]
    [InlineData("5", true, 5)]
    [InlineData("*", true, null)]
    [InlineData(null, true, null)]
    [InlineData("\"abc\"", false, null)]
    [InlineData("\"-1\"", false, null)]
    public void If_match_parsing(string? header, bool ok, int? version)
    {
        CameraApi.TryParseIfMatch(header, out int? parsed).Should().Be(ok);
        parsed.Should().Be(version);
    }
}
