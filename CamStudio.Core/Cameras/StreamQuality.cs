using System.Text.Json.Serialization;

namespace CamStudio.Core.Cameras;

/// <summary>Which of a camera's two RTSP streams is relayed to viewers.</summary>
[JsonConverter(typeof(WireEnumConverter<StreamQuality>))]
public enum StreamQuality
{
    /// <summary>The main stream (HD), wire name <c>stream1</c>.</summary>
    [JsonStringEnumMemberName("stream1")]
    Stream1 = 0,

    /// <summary>The sub stream (SD), wire name <c>stream2</c>; the default because it is cheap to relay.</summary>
    [JsonStringEnumMemberName("stream2")]
    Stream2 = 1,
}
