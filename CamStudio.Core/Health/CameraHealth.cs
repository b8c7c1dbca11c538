using CamStudio.Core.Cameras;

namespace CamStudio.Core.Health;

/// <summary>
/// Whether a camera answers, known for every camera even when nobody watches it: from its running stream while it
/// streams, otherwise from the background health check. Runtime state: kept in memory, never in the database.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(WireEnumConverter<CameraHealthState>))]
public enum CameraHealthState
{
    /// <summary>Not checked yet (just added, or the server just started).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("unknown")]
    Unknown,

    [System.Text.Json.Serialization.JsonStringEnumMemberName("online")]
    Online,

    /// <summary>Unreachable, connection refused or timed out; <see cref="CameraHealth.Detail"/> says which.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("offline")]
    Offline,

    /// <summary>The camera answered 401 to the stored credentials.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("wrong_password")]
    WrongPassword,

    /// <summary>The camera answered 404 for the stream path.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("stream_not_found")]
    StreamNotFound,

    /// <summary>The camera answers but sends video CamStudio cannot pass through (neither H.264 nor H.265).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("unsupported_codec")]
    UnsupportedCodec,
}

/// <summary>One camera's health right now.</summary>
public sealed record CameraHealth
{
    public required int CameraId { get; init; }

    public CameraHealthState State { get; init; } = CameraHealthState.Unknown;

    /// <summary>One user-facing sentence on why (e.g. "Connection refused."); never contains credentials.</summary>
    public string? Detail { get; init; }

    /// <summary>When the camera last answered correctly (a successful check, or a frame from its stream).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>When the state was last established (check finished, or stream status read).</summary>
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>True while the state comes from the running stream (no background check runs then).</summary>
    public bool FromStream { get; init; }

    public static CameraHealth Unknown(int cameraId) => new() { CameraId = cameraId };
}

/// <summary>A camera's health moved from one state to another (the first check after start-up included).</summary>
public sealed record CameraHealthChange(
    int CameraId,
    string CameraName,
    CameraHealthState Previous,
    CameraHealthState Current,
    string? Detail,
    DateTimeOffset At);

/// <summary>Reads the health of cameras (the background checker implements it).</summary>
public interface ICameraHealthReader
{
    /// <summary>The camera's health; <see cref="CameraHealth.Unknown"/> for a camera not checked yet.</summary>
    CameraHealth Get(int cameraId);
}

/// <summary>
/// Told of every health change, e.g. the event log and webhooks. Every registered observer is called, on the checker's
/// thread: implementations must return quickly (queue into a bounded channel) and never throw.
/// </summary>
public interface ICameraHealthObserver
{
    void OnHealthChanged(CameraHealthChange change);
}
