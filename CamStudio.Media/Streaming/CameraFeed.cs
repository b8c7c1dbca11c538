namespace CamStudio.Media.Streaming;

/// <summary>
/// Everything the streams need to pull one camera, including the plaintext password. Filled in by the app (which owns
/// the camera configuration) through <see cref="ICameraFeedLookup"/>. Never serialize or log it: <see cref="ToString"/>
/// redacts the credentials.
/// </summary>
public sealed class CameraFeed
{
    public required int CameraId { get; init; }
    public required CameraFeedKind Kind { get; init; }

    /// <summary>Camera address; unused for <see cref="CameraFeedKind.TestPattern"/>.</summary>
    public required string Host { get; init; }

    public required int RtspPort { get; init; }

    /// <summary>RTSP path of <see cref="StreamVariant.Stream1"/> (HD).</summary>
    public required string HdPath { get; init; }

    /// <summary>RTSP path of <see cref="StreamVariant.Stream2"/> (SD).</summary>
    public required string SdPath { get; init; }

    /// <summary>Empty when the camera needs no login.</summary>
    public required string Username { get; init; }

    /// <summary>The plaintext password; empty when none is stored.</summary>
    public required string Password { get; init; }

    /// <summary>The variant relayed when a viewer does not ask for one.</summary>
    public required StreamVariant DefaultVariant { get; init; }

    /// <summary>Pass the camera's microphone to viewers (G.711 untouched, else transcoded to Opus); off by default.</summary>
    public bool Audio { get; init; }

    /// <summary>The RTSP path of <paramref name="variant"/>.</summary>
    public string PathFor(StreamVariant variant) => variant == StreamVariant.Stream1 ? HdPath : SdPath;

    /// <summary>
    /// Whether <paramref name="variant"/>'s FFmpeg would pull exactly the same from <paramref name="other"/>: same source,
    /// address, path, credentials and audio. The default variant is not part of it (a running variant keeps its path).
    /// </summary>
    public bool PullsSameAs(CameraFeed other, StreamVariant variant)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Kind == other.Kind && Audio == other.Audio && RtspPort == other.RtspPort
            && string.Equals(Host, other.Host, StringComparison.Ordinal)
            && string.Equals(PathFor(variant), other.PathFor(variant), StringComparison.Ordinal)
            && string.Equals(Username, other.Username, StringComparison.Ordinal)
            && string.Equals(Password, other.Password, StringComparison.Ordinal);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"camera {CameraId} ({Kind}) {Host}:{RtspPort}/{PathFor(DefaultVariant)} [credentials redacted]");
}

/// <summary>Where a camera's video comes from.</summary>
public enum CameraFeedKind
{
    /// <summary>A real IP camera pulled over RTSP.</summary>
    Rtsp = 0,

    /// <summary>FFmpeg's generated test pattern (the demo camera): no address, no credentials.</summary>
    TestPattern = 1,
}

/// <summary>
/// How the streams find a camera's <see cref="CameraFeed"/> by id. Implemented by the app over its camera store, so this
/// library needs no database.
/// </summary>
public interface ICameraFeedLookup
{
    /// <summary>The camera's feed with its decrypted password; null when the camera does not exist.</summary>
    Task<CameraFeed?> FindAsync(int cameraId, CancellationToken cancellationToken);
}
