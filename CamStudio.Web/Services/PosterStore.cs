using System.Globalization;
using CamStudio.Core;
using CamStudio.Media.Snapshots;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Services;

/// <summary>A camera's poster on disk: where it is and when it was taken (the file's write time).</summary>
/// <param name="Path">The JPEG file.</param>
/// <param name="TakenAt">When the picture was taken (the file's last write time, UTC, whole seconds).</param>
public sealed record PosterInfo(string Path, DateTimeOffset TakenAt)
{
    /// <summary>A strong validator from the write time: a new poster is a new file time.</summary>
    public string ETag => string.Create(CultureInfo.InvariantCulture, $"\"{TakenAt.ToUnixTimeSeconds():x}\"");
}

/// <summary>
/// The last snapshot of each camera, kept as <c>{DataDirectory}/posters/{camera_id}.jpg</c> so a tile has a picture at
/// once, also after a restart. Written whole to a temporary file and moved into place, so a reader never sees half a
/// JPEG; an older picture never replaces a newer one.
/// </summary>
public sealed class PosterStore
{
    private readonly Lock _lock = new();
    private readonly string _directory;

    public PosterStore(IOptions<CamStudioDataOptions> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _directory = Path.Combine(data.Value.DataDirectory, "posters");
    }

    /// <summary>The poster of <paramref name="cameraId"/>, or null when there is none.</summary>
    public PosterInfo? Find(int cameraId)
    {
        var file = new FileInfo(PathOf(cameraId));
        return file.Exists ? new PosterInfo(file.FullName, TruncateToSeconds(file.LastWriteTimeUtc)) : null;
    }

    /// <summary>Keeps <paramref name="snapshot"/> as its camera's poster unless the stored one is newer.</summary>
    public void Save(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (Find(snapshot.CameraId) is { } existing && existing.TakenAt > snapshot.TakenAt)
            {
                return;
            }

            Directory.CreateDirectory(_directory);
            string target = PathOf(snapshot.CameraId);
            string temporary = target + ".tmp";
            File.WriteAllBytes(temporary, snapshot.Jpeg);
            File.SetLastWriteTimeUtc(temporary, snapshot.TakenAt.UtcDateTime);
            File.Move(temporary, target, overwrite: true);
        }
    }

    /// <summary>Removes the camera's poster (the camera was deleted).</summary>
    public void Delete(int cameraId)
    {
        lock (_lock)
        {
            // File.Delete tolerates a missing file but not a missing folder (no poster was ever written).
            string path = PathOf(cameraId);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    private string PathOf(int cameraId) =>
        Path.Combine(_directory, cameraId.ToString(CultureInfo.InvariantCulture) + ".jpg");

    // HTTP dates have whole seconds; comparing If-Modified-Since needs the same precision.
    private static DateTimeOffset TruncateToSeconds(DateTime utc) =>
        DateTimeOffset.FromUnixTimeSeconds(new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeSeconds());
}
