using System.ComponentModel.DataAnnotations;
using CamStudio.Media.Hls;

namespace CamStudio.Media.Streaming;

/// <summary>LL-HLS of the camera streams (section <c>Streams:Hls</c>); memory per camera with HLS viewers ≈ bitrate × window.</summary>
public sealed class HlsOptions
{
    /// <summary>EXT-X-TARGETDURATION: at least the cameras' key-frame interval plus <see cref="SegmentSeconds"/>.</summary>
    [Range(1, 30)]
    public int TargetDurationSeconds { get; set; } = 4;

    /// <summary>A segment closes at the first key frame once it is this long.</summary>
    [Range(0.5, 30)]
    public double SegmentSeconds { get; set; } = 2;

    /// <summary>
    /// PART-TARGET. hls.js in low-latency mode plays 3 parts behind the live edge, so this sets most of the latency:
    /// measured glass-to-glass median 1.46 s with 333 ms parts, 0.86 s with 200 ms (docs/benchmarks.md), at 10 requests
    /// a second per viewer instead of 6.
    /// </summary>
    [Range(100, 2000)]
    public int PartTargetMilliseconds { get; set; } = 200;

    /// <summary>Complete segments kept in the playlist window.</summary>
    [Range(1, 60)]
    public int MaxSegments { get; set; } = 6;

    /// <summary>Bound of one stream's window, in MiB.</summary>
    [Range(1, 256)]
    public int MaxMegabytes { get; set; } = 8;

    public HlsPartStoreOptions ToStoreOptions() => new()
    {
        TargetDurationSeconds = TargetDurationSeconds,
        SegmentDuration = (long)Math.Round(SegmentSeconds * HlsPartStoreOptions.Clock),
        PartTarget = (long)PartTargetMilliseconds * HlsPartStoreOptions.Clock / 1000,
        MaxSegments = MaxSegments,
        MaxBytes = (long)MaxMegabytes * 1024 * 1024,
    };

    /// <summary>The combination rules <see cref="HlsPartStoreOptions"/> enforces, as a start-up check.</summary>
    public bool IsValid()
    {
        try
        {
            _ = new HlsPartStore(ToStoreOptions(), TimeProvider.System);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>How long a viewer may stay silent before it no longer counts: three target durations.</summary>
    public TimeSpan ViewerTimeout => TimeSpan.FromSeconds(3 * TargetDurationSeconds);
}
