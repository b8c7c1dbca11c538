namespace CamStudio.Web.Components.Live;

/// <summary>
/// How the Live page's tiles play, chosen per browser (the same names wwwroot-js/src/transport-mode.js stores):
/// WebRTC with an automatic LL-HLS fallback, or one of them forced.
/// </summary>
public static class LiveTransports
{
    public const string Auto = "auto";
    public const string WebRtc = "webrtc";
    public const string Hls = "hls";

    /// <summary>Every mode with its button label, in picker order.</summary>
    public static IReadOnlyList<(string Value, string Label)> All { get; } =
    [
        (Auto, "Auto"),
        (WebRtc, "WebRTC"),
        (Hls, "HLS"),
    ];

    public static bool IsKnown(string? mode) => All.Any(m => string.Equals(m.Value, mode, StringComparison.Ordinal));
}
