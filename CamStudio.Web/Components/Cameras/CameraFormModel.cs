using CamStudio.Core.Cameras;

namespace CamStudio.Web.Components.Cameras;

/// <summary>
/// The add/edit form's values as typed. Converts to the store's request types; the rules live in
/// <see cref="CameraValidator"/>, applied by <see cref="CameraFormValidator"/>.
/// </summary>
public sealed class CameraFormModel
{
    public string Name { get; set; } = string.Empty;
    public CameraSourceKind Source { get; set; } = CameraSourceKind.Rtsp;
    public string Brand { get; set; } = CameraBrandPresets.CustomKey;
    public string IpAddress { get; set; } = string.Empty;
    public int? RtspPort { get; set; } = CameraDefaults.RtspPort;
    public string Username { get; set; } = string.Empty;

    /// <summary>Write-only: empty on edit (keeps the stored password), never filled from the store.</summary>
    public string Password { get; set; } = string.Empty;

    public StreamQuality StreamQuality { get; set; } = CameraDefaults.Quality;

    /// <summary>Pass the camera's microphone to viewers; off unless set, or pre-filled by a brand known to send audio.</summary>
    public bool Audio { get; set; } = CameraDefaults.Audio;

    public string HdPath { get; set; } = CameraDefaults.HdPath;
    public string SdPath { get; set; } = CameraDefaults.SdPath;
    public string Description { get; set; } = string.Empty;

    /// <summary>Ids of the groups the camera belongs to (the form's group checkboxes).</summary>
    public List<int> Groups { get; set; } = [];

    /// <summary>
    /// Cluster mode's "Serve from": a node name, or empty for Automatic (placement by load). Empty clears a pin on update
    /// (the API's rule); on a single node the field is hidden and the stored value goes back unchanged.
    /// </summary>
    public string PinnedNode { get; set; } = string.Empty;

    /// <summary>Model property name → the <see cref="CameraFields"/> key its errors come under.</summary>
    public static IReadOnlyDictionary<string, string> WireKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(Name)] = CameraFields.Name,
        [nameof(Source)] = CameraFields.Source,
        [nameof(Brand)] = CameraFields.Brand,
        [nameof(IpAddress)] = CameraFields.IpAddress,
        [nameof(RtspPort)] = CameraFields.RtspPort,
        [nameof(Username)] = CameraFields.Username,
        [nameof(Password)] = CameraFields.Password,
        [nameof(StreamQuality)] = CameraFields.StreamQuality,
        [nameof(Audio)] = CameraFields.Audio,
        [nameof(HdPath)] = CameraFields.HdPath,
        [nameof(SdPath)] = CameraFields.SdPath,
        [nameof(Description)] = CameraFields.Description,
        [nameof(Groups)] = CameraFields.Groups,
        [nameof(PinnedNode)] = CameraFields.PinnedNode,
    };

    /// <summary>A form filled from a stored camera; the password stays empty.</summary>
    public static CameraFormModel FromCamera(CameraResponse camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return new CameraFormModel
        {
            Name = camera.Name,
            Source = camera.Source,
            Brand = camera.Brand,
            IpAddress = camera.IpAddress,
            RtspPort = camera.RtspPort,
            Username = camera.Username,
            StreamQuality = camera.StreamQuality,
            Audio = camera.Audio,
            HdPath = camera.HdPath,
            SdPath = camera.SdPath,
            Description = camera.Description,
            Groups = [.. camera.Groups],
            PinnedNode = camera.PinnedNode ?? string.Empty,
        };
    }

    /// <summary>
    /// Fills the HD/SD paths from a brand preset, and Audio where the brand's audio is known (the port is left as typed;
    /// an unknown <see cref="CameraBrandPreset.AudioTypical"/> leaves Audio as it is).
    /// </summary>
    public void ApplyBrand(string brand)
    {
        Brand = brand;
        if (CameraBrandPresets.TryGet(brand, out CameraBrandPreset? preset) && preset.Key != CameraBrandPresets.CustomKey)
        {
            HdPath = preset.HdPath;
            SdPath = preset.SdPath;
            if (preset.AudioTypical is bool audio)
            {
                Audio = audio;
            }
        }
    }

    /// <summary>The values as a create request: exactly what the API would receive.</summary>
    public CameraCreateRequest ToCreateRequest() => new()
    {
        Name = Name,
        Source = Source,
        IpAddress = IpAddress,
        RtspPort = RtspPort,
        Brand = Brand,
        HdPath = HdPath,
        SdPath = SdPath,
        Username = Username,
        Password = Password.Length == 0 ? null : Password,
        StreamQuality = StreamQuality,
        Audio = Audio,
        Description = Description,
        Groups = [.. Groups],
        PinnedNode = PinnedNode,
    };

    /// <summary>A full update carrying <paramref name="version"/>; an empty password keeps the stored one.</summary>
    public CameraUpdate ToUpdate(int version) => new()
    {
        Name = Name,
        Source = Source,
        IpAddress = IpAddress,
        RtspPort = RtspPort,
        Brand = Brand,
        HdPath = HdPath,
        SdPath = SdPath,
        Username = Username,
        Password = Password.Length == 0 ? null : Password,
        StreamQuality = StreamQuality,
        Audio = Audio,
        Description = Description,
        Groups = [.. Groups],
        PinnedNode = PinnedNode,
        Version = version,
    };
}
