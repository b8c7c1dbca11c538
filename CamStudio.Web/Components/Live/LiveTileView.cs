using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Cameras;

namespace CamStudio.Web.Components.Live;

/// <summary>What a tile shows: the chip, a spinner, and an overlay with the reason (and a retry) when it cannot play.</summary>
public sealed record LiveTileView(CameraLiveState State, bool Busy, string? Problem, bool CanRetry)
{
    /// <summary>
    /// Combines the browser player's state (what this tile is doing) with the server's stream state (what the camera
    /// is doing): the server knows first that the password is wrong or that the camera stopped sending.
    /// </summary>
    public static LiveTileView From(string playerState, PlayerStateDetail? detail, CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (playerState == PlayerStates.Failed)
        {
            return detail?.Reason == "auth_failed"
                ? new LiveTileView(CameraLiveState.WrongPassword, false, WrongPasswordText(status, detail), true)
                : new LiveTileView(CameraLiveState.Offline, false, detail?.Message ?? "The video cannot be played.", true);
        }

        if (status.State == CameraStreamState.AuthFailed)
        {
            // The player may still be connecting; it fails on its next offer, but the operator should know now.
            return new LiveTileView(CameraLiveState.WrongPassword, false, WrongPasswordText(status, detail),
                playerState == PlayerStates.Reconnecting);
        }

        return playerState switch
        {
            PlayerStates.Live => new LiveTileView(
                status.State == CameraStreamState.Reconnecting ? CameraLiveState.Reconnecting : CameraLiveState.Live, false, null, false),
            PlayerStates.Reconnecting => new LiveTileView(CameraLiveState.Reconnecting, true, null, false),
            PlayerStates.Paused => new LiveTileView(CameraLiveState.Paused, false, null, false),
            PlayerStates.Stopped => new LiveTileView(CameraLiveState.Offline, false, null, false),
            _ => new LiveTileView(
                status.State == CameraStreamState.Reconnecting ? CameraLiveState.Reconnecting : CameraLiveState.Connecting, true, null, false),
        };
    }

    private static string WrongPasswordText(CameraRuntimeStatus status, PlayerStateDetail? detail)
    {
        string? why = status.LastError ?? detail?.Message;
        return "The camera rejected the username or password. Correct them in the camera's settings, then retry."
            + (why is null ? "" : " (" + why + ")");
    }
}

/// <summary>The player's state names (wwwroot-js/src/state-machine.js).</summary>
public static class PlayerStates
{
    public const string Idle = "idle";
    public const string Connecting = "connecting";
    public const string Live = "live";
    public const string Reconnecting = "reconnecting";
    public const string Paused = "paused";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
}

/// <summary>The detail the player reports with each state (see wwwroot-js/README.md).</summary>
public sealed class PlayerStateDetail
{
    /// <summary>The quality on screen: stream1 (HD) or stream2 (SD).</summary>
    public string? Quality { get; init; }

    /// <summary>How the picture travels: webrtc, or hls (the fallback, or forced by the browser's transport choice).</summary>
    public string? Transport { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public int? Attempt { get; init; }

    public double? DelayMs { get; init; }
}

/// <summary>The player's stats summary (wwwroot-js/src/stats.js), sent every second while the overlay is on.</summary>
public sealed class PlayerStats
{
    public double Width { get; init; }
    public double Height { get; init; }
    public double Fps { get; init; }
    public double BitrateKbps { get; init; }
    public double PacketsLost { get; init; }
    public double JitterBufferMs { get; init; }
    public double FramesDecoded { get; init; }
    public double FramesDropped { get; init; }
    public string? Codec { get; init; }
}
