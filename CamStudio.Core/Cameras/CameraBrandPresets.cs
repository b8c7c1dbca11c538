namespace CamStudio.Core.Cameras;

/// <summary>A vendor's usual RTSP paths, so a user picks a brand instead of typing paths.</summary>
/// <param name="Key">The stable wire key stored in <c>brand</c>.</param>
/// <param name="DisplayName">What the UI shows.</param>
/// <param name="HdPath">Path of the main (HD) stream, without the leading slash.</param>
/// <param name="SdPath">Path of the sub (SD) stream, without the leading slash.</param>
/// <param name="RtspPort">The vendor's default RTSP port.</param>
/// <param name="Notes">A hint for the user.</param>
/// <param name="AudioTypical">
/// Whether the vendor's RTSP streams usually carry the camera's microphone: true or false only where that is documented
/// or observed for the brand, null (unknown) otherwise. The camera form pre-fills its Audio switch only from a known value.
/// </param>
public sealed record CameraBrandPreset(
    string Key, string DisplayName, string HdPath, string SdPath, int RtspPort, string Notes, bool? AudioTypical = null);

/// <summary>The built-in brand presets (first channel of each vendor's usual URL scheme).</summary>
public static class CameraBrandPresets
{
    public const string CustomKey = "custom";

    /// <summary>
    /// Every preset, in display order; <c>custom</c> last. <see cref="CameraBrandPreset.AudioTypical"/> is set only where
    /// it is grounded: Reolink's support article "What's the Format of the RTSP Video/Audio that Reolink Cameras Use"
    /// says all its cameras send AAC; Tapo C200 streams describe a PCMA/8000 audio track in their SDP (seen in
    /// homebridge-camera-ffmpeg issue 988 and RTSPtoWeb issue 224). For the other brands nothing brand-wide was found
    /// (whether there is a microphone depends on the model), so they stay unknown rather than guessed.
    /// </summary>
    public static IReadOnlyList<CameraBrandPreset> All { get; } =
    [
        new("hikvision", "Hikvision", "Streaming/Channels/101", "Streaming/Channels/102", 554,
            "Channel 1: 101 is the main stream, 102 the sub stream (use 201/202 for channel 2 on an NVR)."),
        new("dahua", "Dahua / Amcrest", "cam/realmonitor?channel=1&subtype=0", "cam/realmonitor?channel=1&subtype=1", 554,
            "subtype=0 is the main stream, subtype=1 the sub stream."),
        new("reolink", "Reolink", "h264Preview_01_main", "h264Preview_01_sub", 554,
            "Enable RTSP in the camera's network settings first. 4K models stream H.265 on main: pick the sub stream.",
            AudioTypical: true),
        new("axis", "Axis", "axis-media/media.amp?videocodec=h264", "axis-media/media.amp?videocodec=h264&resolution=640x360", 554,
            "The SD stream asks the camera to scale down."),
        new("tapo", "TP-Link Tapo", "stream1", "stream2", 554,
            "Create a camera account in the Tapo app (Advanced settings) and use it here, not the TP-Link cloud login.",
            AudioTypical: true),
        new("uniview", "Uniview", "unicast/c1/s0/live", "unicast/c1/s1/live", 554,
            "s0 is the main stream, s1 the sub stream."),
        new("onvif", "Generic ONVIF", "onvif1", "onvif2", 554,
            "ONVIF cameras report their stream URIs; these paths are the most common. Check the camera's manual if they fail."),
        new(CustomKey, "Custom", CameraDefaults.HdPath, CameraDefaults.SdPath, CameraDefaults.RtspPort,
            "Type the paths yourself."),
    ];

    /// <summary>Finds a preset by key (ordinal, case-insensitive).</summary>
    public static bool TryGet(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CameraBrandPreset? preset)
    {
        foreach (CameraBrandPreset candidate in All)
        {
            if (string.Equals(candidate.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                preset = candidate;
                return true;
            }
        }

        preset = null;
        return false;
    }
}
