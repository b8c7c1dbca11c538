using System.ComponentModel.DataAnnotations;

namespace CamStudio.Media.Snapshots;

/// <summary>Snapshot timing (section <c>Snapshots</c>).</summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "Snapshots";

    /// <summary>How long one snapshot (or one failure) of a camera and quality answers every request: one decode per camera per window.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a running stream is given to produce a key frame when its cache holds none (it just started).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan KeyFrameWait { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Limit of the one FFmpeg run that decodes a key frame.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Limit of a grab from a camera nobody watches: connect, describe, wait for a key frame (a 4 s GOP fits), decode.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan GrabTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The FFmpeg executable.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";
}
