using System.Globalization;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;

namespace CamStudio.Web.Components.Live;

// The poster: the camera's last snapshot shown at once (it is in the first, prerendered HTML), labelled with its age,
// until the player reports live video (its first decoded frame); then it is gone for good, also across reconnects, where
// the video element keeps its own last frame.
public sealed partial class LiveTile
{
    private PosterInfo? _poster;
    private bool _hadLiveVideo;

    [Inject]
    private PosterStore Posters { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private bool ShowPoster => _poster is not null && !_hadLiveVideo;

    // The version in the query makes a new poster a new URL, so the browser never shows a cached older one.
    private string PosterUrl => string.Create(CultureInfo.InvariantCulture,
        $"api/cameras/{Camera.CameraId}/poster.jpg?v={_poster?.TakenAt.ToUnixTimeSeconds()}");

    private string PosterLabel => "Snapshot " + DescribeAge(Time.GetUtcNow() - (_poster?.TakenAt ?? Time.GetUtcNow()));

    /// <summary>"just now", "40 s ago", "3 min ago", "2 h ago", "5 days ago": how old the poster is, in the unit that reads best.</summary>
    internal static string DescribeAge(TimeSpan age) => age switch
    {
        { TotalSeconds: < 10 } => "just now",
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds} s ago"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min ago"),
        { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} days ago"),
    };

    private void UpdatePoster()
    {
        _hadLiveVideo |= _playerState == PlayerStates.Live;
        if (!_hadLiveVideo)
        {
            _poster = Posters.Find(Camera.CameraId);
        }
    }
}
