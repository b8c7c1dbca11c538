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

/// <summary>The wire names of <see cref="StreamQuality"/> in query strings and player messages: the one parser of them.</summary>
public static class StreamQualityNames
{
    /// <summary>
    /// <c>stream1</c> or <c>stream2</c> (exact, as the JSON enum spells them); null or empty means "not given" and
    /// succeeds with a null <paramref name="quality"/>. False for anything else.
    /// </summary>
    public static bool TryParse(string? value, out StreamQuality? quality)
    {
        (bool ok, quality) = value switch
        {
            null or "" => (true, (StreamQuality?)null),
            "stream1" => (true, StreamQuality.Stream1),
            "stream2" => (true, StreamQuality.Stream2),
            _ => (false, null),
        };
        return ok;
    }
}
