namespace CamStudio.Media.Streaming;

/// <summary>
/// Which of a camera's two RTSP streams a <see cref="CameraStream"/> relays. The app's camera entity has its own setting
/// for the default (<c>CamStudio.Core.Cameras.StreamQuality</c>): this library references no other CamStudio project, and
/// the web layer maps between the two.
/// </summary>
public enum StreamVariant
{
    /// <summary>The main stream (HD), wire name <c>stream1</c>.</summary>
    Stream1 = 0,

    /// <summary>The sub stream (SD), wire name <c>stream2</c>.</summary>
    Stream2 = 1,
}

/// <summary>The one place where the wire names <c>stream1</c>/<c>stream2</c> (query strings, stream keys) are read and written.</summary>
public static class StreamVariantNames
{
    public const string Stream1 = "stream1";

    public const string Stream2 = "stream2";

    /// <summary>
    /// Reads an optional quality name: null or empty is valid and means "the camera's own setting" (<paramref name="variant"/>
    /// null); anything other than the two exact, lower-case names is invalid.
    /// </summary>
    public static bool TryParse(string? value, out StreamVariant? variant)
    {
        (bool ok, variant) = value switch
        {
            null or "" => (true, (StreamVariant?)null),
            Stream1 => (true, StreamVariant.Stream1),
            Stream2 => (true, StreamVariant.Stream2),
            _ => (false, null),
        };
        return ok;
    }

    public static string ToName(StreamVariant variant) => variant == StreamVariant.Stream1 ? Stream1 : Stream2;
}
