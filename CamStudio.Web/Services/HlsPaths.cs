namespace CamStudio.Web.Services;

/// <summary>Where an HLS viewer's resources live: one folder per session, so relative names in the playlist stay in it.</summary>
public static class HlsPaths
{
    public const string Prefix = "/api/hls";

    public static string MediaPlaylist(string sessionId) => $"{Prefix}/{sessionId}/{PlaylistName}";

    public const string PlaylistName = "index.m3u8";
}
