using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.Streaming;

/// <summary>Configuration of the on-demand camera streams (section <c>Streams</c>).</summary>
public sealed class CameraStreamOptions
{
    public const string SectionName = "Streams";

    /// <summary>How long FFmpeg keeps running after the last viewer left, so a page reload does not restart it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A stream whose last frame is older than this is never reported as streaming.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan FrameFreshness { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Bound of each stream's GOP cache (late joiners start from it).</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int GopCacheMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>LL-HLS for viewers WebRTC cannot reach (section <c>Streams:Hls</c>).</summary>
    public HlsOptions Hls { get; set; } = new();
}
