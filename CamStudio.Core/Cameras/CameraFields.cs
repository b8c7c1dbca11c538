namespace CamStudio.Core.Cameras;

/// <summary>
/// The snake_case wire names of camera fields. Validation errors are keyed by these, so the API's problem details
/// and the Blazor forms point at the same field.
/// </summary>
public static class CameraFields
{
    public const string CameraId = "camera_id";
    public const string Name = "name";
    public const string Source = "source";
    public const string IpAddress = "ip_address";
    public const string RtspPort = "rtsp_port";
    public const string Brand = "brand";
    public const string HdPath = "hd_path";
    public const string SdPath = "sd_path";
    public const string Username = "username";
    public const string Password = "password";
    public const string ClearPassword = "clear_password";
    public const string StreamQuality = "stream_quality";
    public const string Audio = "audio";
    public const string Description = "description";
    public const string PinnedNode = "pinned_node";
    public const string Groups = "groups";
    public const string Version = "version";
}
