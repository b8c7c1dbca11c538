using System.ComponentModel.DataAnnotations;

namespace CamStudio.Web.Services;

/// <summary>How the tiles' posters are kept fresh (section <c>Posters</c>).</summary>
public sealed class PosterOptions
{
    public const string SectionName = "Posters";

    /// <summary>A streaming camera's poster is renewed (one key frame decoded) once it is this old.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the streaming cameras are looked at; a stream shorter than this may leave no poster.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After start, grab one picture of every camera that has no poster yet, one camera at a time.</summary>
    public bool GrabMissingAtStart { get; set; } = true;

    /// <summary>Wait this long after start before those grabs, so they do not compete with the first page loads.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(15);
}
