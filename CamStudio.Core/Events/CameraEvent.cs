using System.Text.Json.Serialization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Health;

namespace CamStudio.Core.Events;

/// <summary>What an event records.</summary>
[JsonConverter(typeof(WireEnumConverter<CameraEventKind>))]
public enum CameraEventKind
{
    /// <summary>A camera's health moved from one state to another.</summary>
    [JsonStringEnumMemberName("camera_state")]
    CameraState,

    /// <summary>The server started: events from before it are gone (they live in memory), so a gap is visible.</summary>
    [JsonStringEnumMemberName("server_started")]
    ServerStarted,
}

/// <summary>
/// One entry of the event log. Runtime history: kept in memory only (<see cref="CameraEventLog"/>), never in the
/// database. <see cref="Id"/> grows by one per event within one run of the server.
/// </summary>
public sealed record CameraEvent
{
    public required long Id { get; init; }

    public required CameraEventKind Kind { get; init; }

    public required DateTimeOffset At { get; init; }

    public int? CameraId { get; init; }

    public string? CameraName { get; init; }

    public CameraHealthState? From { get; init; }

    public CameraHealthState? To { get; init; }

    /// <summary>One user-facing sentence from the health check; never contains credentials.</summary>
    public string? Detail { get; init; }

    /// <summary>The webhook event type: <c>camera.&lt;state&gt;</c> (e.g. <c>camera.offline</c>) or <c>server.started</c>.</summary>
    public string Type => Kind == CameraEventKind.ServerStarted ? ServerStartedType : TypeOf(To ?? CameraHealthState.Unknown);

    /// <summary>A camera that came back: online after having been in a known bad state (not after start-up's unknown).</summary>
    public bool IsRecovery => Kind == CameraEventKind.CameraState && To == CameraHealthState.Online
        && From is not (null or CameraHealthState.Unknown or CameraHealthState.Online);

    public const string ServerStartedType = "server.started";

    public static string TypeOf(CameraHealthState state) => "camera." + CameraHealthStates.WireName(state);
}

/// <summary>The wire names of <see cref="CameraHealthState"/> (as the API writes them) and their wording.</summary>
public static class CameraHealthStates
{
    /// <summary>Every state a camera can move to (Unknown is only ever a starting point).</summary>
    public static IReadOnlyList<CameraHealthState> Reportable { get; } =
    [
        CameraHealthState.Online, CameraHealthState.Offline, CameraHealthState.WrongPassword,
        CameraHealthState.StreamNotFound, CameraHealthState.UnsupportedCodec,
    ];

    public static string WireName(CameraHealthState state) => state switch
    {
        CameraHealthState.Online => "online",
        CameraHealthState.Offline => "offline",
        CameraHealthState.WrongPassword => "wrong_password",
        CameraHealthState.StreamNotFound => "stream_not_found",
        CameraHealthState.UnsupportedCodec => "unsupported_codec",
        _ => "unknown",
    };

    public static bool TryParse(string? wireName, out CameraHealthState state)
    {
        foreach (CameraHealthState candidate in Enum.GetValues<CameraHealthState>())
        {
            if (string.Equals(WireName(candidate), wireName?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = CameraHealthState.Unknown;
        return false;
    }

    public static string Label(CameraHealthState state) => state switch
    {
        CameraHealthState.Online => "Online",
        CameraHealthState.Offline => "Offline",
        CameraHealthState.WrongPassword => "Wrong password",
        CameraHealthState.StreamNotFound => "Stream not found",
        CameraHealthState.UnsupportedCodec => "Unsupported codec",
        _ => "Unknown",
    };
}
