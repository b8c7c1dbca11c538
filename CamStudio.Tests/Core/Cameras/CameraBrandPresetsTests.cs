using CamStudio.Core.Cameras;

namespace CamStudio.Tests.Core.Cameras;

public class CameraBrandPresetsTests
{
    [Fact]
    public void Presets_cover_the_common_vendors_with_unique_lower_case_keys()
    {
        CameraBrandPresets.All.Select(p => p.Key).Should().OnlyHaveUniqueItems()
            .And.Contain(["hikvision", "dahua", "reolink", "axis", "tapo", "uniview", "onvif", "custom"])
            .And.OnlyContain(k => k == k.ToLowerInvariant());
    }

    [Fact]
    public void Every_preset_path_passes_the_validator()
    {
        foreach (CameraBrandPreset preset in CameraBrandPresets.All)
        {
            CameraValidator.ValidatePath(preset.HdPath).Should().BeNull(preset.Key);
            CameraValidator.ValidatePath(preset.SdPath).Should().BeNull(preset.Key);
            CameraValidator.ValidatePort(preset.RtspPort).Should().BeNull(preset.Key);
        }
    }

    [Fact]
    public void Audio_is_known_only_for_the_brands_where_it_is_grounded()
    {
        // Reolink: the vendor documents AAC on every camera; Tapo: C200 SDPs carry PCMA/8000. Everything else is unknown,
        // and unknown must stay null so the form never guesses.
        CameraBrandPresets.All.Where(p => p.AudioTypical is not null).Select(p => (p.Key, p.AudioTypical))
            .Should().BeEquivalentTo([("reolink", (bool?)true), ("tapo", (bool?)true)]);
        CameraBrandPresets.TryGet(CameraBrandPresets.CustomKey, out CameraBrandPreset? custom).Should().BeTrue();
        custom!.AudioTypical.Should().BeNull();
    }

    [Fact]
    public void Lookup_is_case_insensitive_and_normalizes_to_the_key()
    {
        CameraBrandPresets.TryGet("HIKVISION", out CameraBrandPreset? preset).Should().BeTrue();
        preset!.HdPath.Should().Be("Streaming/Channels/101");
        CameraValidator.NormalizeBrand(" Reolink ").Should().Be("reolink");
        CameraBrandPresets.TryGet("acme", out _).Should().BeFalse();
    }

    [Fact]
    public void Stream_source_string_never_shows_credentials()
    {
        var source = new CameraStreamSource
        {
            CameraId = 1, Source = CameraSourceKind.Rtsp, Host = "10.0.0.1", RtspPort = 554, HdPath = "a", SdPath = "b",
            Username = "admin", Password = "hunter2", StreamQuality = StreamQuality.Stream2,
        };

        source.ToString().Should().NotContain("hunter2").And.NotContain("admin").And.Contain("10.0.0.1:554/b");
    }
}
