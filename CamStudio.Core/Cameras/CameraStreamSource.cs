namespace CamStudio.Core.Cameras;

/// <summary>
/// Everything the streams layer needs to pull a camera, including the decrypted password. Never serialize or log it:
/// <see cref="ToString"/> redacts the credentials.
/// </summary>
public sealed class CameraStreamSource
{
    public required int CameraId { get; init; }
    public required CameraSourceKind Source { get; init; }
    public required string Host { get; init; }
    public required int RtspPort { get; init; }
    public required string HdPath { get; init; }
    public required string SdPath { get; init; }
    public required string Username { get; init; }

    /// <summary>The plaintext password; empty when none is stored.</summary>
    public required string Password { get; init; }

    public required StreamQuality StreamQuality { get; init; }

    /// <summary>Pass the camera's microphone to viewers (the stored <see cref="Camera.Audio"/>).</summary>
    public bool Audio { get; init; }

    /// <summary>The path of the stream selected by <see cref="StreamQuality"/>.</summary>
    public string SelectedPath => StreamQuality == StreamQuality.Stream1 ? HdPath : SdPath;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"camera {CameraId} ({Source}) {Host}:{RtspPort}/{SelectedPath} [credentials redacted]");
}
