using System.Text.Json.Serialization;

namespace CamStudio.Core.Cameras;

/// <summary>Where a camera's video comes from.</summary>
[JsonConverter(typeof(WireEnumConverter<CameraSourceKind>))]
public enum CameraSourceKind
{
    /// <summary>A real IP camera pulled over RTSP (wire name <c>rtsp</c>).</summary>
    [JsonStringEnumMemberName("rtsp")]
    Rtsp = 0,

    /// <summary>
    /// The built-in FFmpeg test pattern (wire name <c>demo</c>), so a new user sees live video without owning a camera.
    /// Needs no address or credentials.
    /// </summary>
    [JsonStringEnumMemberName("demo")]
    DemoPattern = 1,
}
