using CamStudio.Core.Cameras;

namespace CamStudio.Web.Components.Cameras;

/// <summary>What an operator is told about a camera: the streams layer's state in plain words.</summary>
public enum CameraLiveState
{
    /// <summary>No one is watching, so no stream runs (wire state <c>idle</c>).</summary>
    Idle,

    /// <summary>The stream is starting and no frame has arrived yet (<c>starting</c>).</summary>
    Connecting,

    /// <summary>Frames are arriving (<c>streaming</c>).</summary>
    Live,

    /// <summary>The camera stopped sending and the stream is being restarted (<c>reconnecting</c>).</summary>
    Reconnecting,

    /// <summary>The stream is shutting down (<c>stopping</c>) or the state is unknown.</summary>
    Offline,

    /// <summary>The camera rejected the credentials (<c>auth_failed</c>).</summary>
    WrongPassword,

    /// <summary>A live tile that is out of view or in a hidden tab and stopped watching.</summary>
    Paused,
}

/// <summary>Maps runtime status to <see cref="CameraLiveState"/>, a label and a colour.</summary>
public static class CameraLiveStates
{
    /// <summary>Maps the streams layer's wire state names (idle, starting, streaming, reconnecting, auth_failed, stopping).</summary>
    public static CameraLiveState FromWireName(string? state) => state switch
    {
        "idle" => CameraLiveState.Idle,
        "starting" => CameraLiveState.Connecting,
        "streaming" => CameraLiveState.Live,
        "reconnecting" => CameraLiveState.Reconnecting,
        "auth_failed" => CameraLiveState.WrongPassword,
        _ => CameraLiveState.Offline,
    };

    /// <summary>The streams layer's own state (which only says streaming while frames arrive); every page maps it here.</summary>
    public static CameraLiveState FromStatus(CameraRuntimeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.State switch
        {
            CameraStreamState.Idle => CameraLiveState.Idle,
            CameraStreamState.Starting => CameraLiveState.Connecting,
            CameraStreamState.Streaming => CameraLiveState.Live,
            CameraStreamState.Reconnecting => CameraLiveState.Reconnecting,
            CameraStreamState.AuthFailed => CameraLiveState.WrongPassword,
            _ => CameraLiveState.Offline,
        };
    }

    public static string Label(CameraLiveState state) => state switch
    {
        CameraLiveState.Idle => "Idle",
        CameraLiveState.Connecting => "Connecting",
        CameraLiveState.Live => "Live",
        CameraLiveState.Reconnecting => "Reconnecting",
        CameraLiveState.WrongPassword => "Wrong password",
        CameraLiveState.Paused => "Paused",
        _ => "Offline",
    };

    public static MudBlazor.Color Color(CameraLiveState state) => state switch
    {
        CameraLiveState.Idle or CameraLiveState.Paused => MudBlazor.Color.Default,
        CameraLiveState.Connecting => MudBlazor.Color.Info,
        CameraLiveState.Live => MudBlazor.Color.Success,
        CameraLiveState.Reconnecting => MudBlazor.Color.Warning,
        CameraLiveState.WrongPassword => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Dark,
    };
}
