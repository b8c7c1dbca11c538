using CamStudio.Core.Health;
using CamStudio.Web.Components.Status;
using MudBlazor;

namespace CamStudio.Web.Components.Cameras;

/// <summary>How a camera's health reads on the Cameras and Status pages: label, colour, icon and "last seen".</summary>
public static class CameraHealthDisplay
{
    public static string Label(CameraHealth? health) => (health?.State ?? CameraHealthState.Unknown) switch
    {
        CameraHealthState.Online => "Online",
        CameraHealthState.Offline => "Offline",
        CameraHealthState.WrongPassword => "Wrong password",
        CameraHealthState.StreamNotFound => "Stream not found",
        CameraHealthState.UnsupportedCodec => "Unsupported codec",
        _ => "Not checked yet",
    };

    public static Color Color(CameraHealth? health) => (health?.State ?? CameraHealthState.Unknown) switch
    {
        CameraHealthState.Online => MudBlazor.Color.Success,
        CameraHealthState.Offline => MudBlazor.Color.Error,
        CameraHealthState.Unknown => MudBlazor.Color.Default,
        _ => MudBlazor.Color.Warning,
    };

    public static string Icon(CameraHealth? health) => (health?.State ?? CameraHealthState.Unknown) switch
    {
        CameraHealthState.Online => Icons.Material.Filled.CheckCircle,
        CameraHealthState.Offline => Icons.Material.Filled.CloudOff,
        CameraHealthState.Unknown => Icons.Material.Filled.HourglassEmpty,
        _ => Icons.Material.Filled.Warning,
    };

    /// <summary>The state's wire name (as the API writes it), for tests and styling.</summary>
    public static string WireName(CameraHealth? health) => (health?.State ?? CameraHealthState.Unknown) switch
    {
        CameraHealthState.Online => "online",
        CameraHealthState.Offline => "offline",
        CameraHealthState.WrongPassword => "wrong_password",
        CameraHealthState.StreamNotFound => "stream_not_found",
        CameraHealthState.UnsupportedCodec => "unsupported_codec",
        _ => "unknown",
    };

    public static string LastSeen(CameraHealth? health, DateTimeOffset now)
    {
        if (health?.LastSeen is not { } seen)
        {
            return "never seen";
        }

        TimeSpan age = now - seen;
        return age < TimeSpan.FromSeconds(1) ? "seen just now" : "seen " + StatusFormat.Duration(age) + " ago";
    }
}
