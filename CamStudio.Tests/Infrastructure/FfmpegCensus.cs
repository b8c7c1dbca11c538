using CamStudio.Tests.Media.Ffmpeg;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Which FFmpeg processes pull a camera right now, read from /proc rather than from the app's own bookkeeping: a
/// process the app forgot (an orphan, a relaunch it should not have made) counts too.
/// </summary>
public static class FfmpegCensus
{
    /// <summary>Live (not zombie) ffmpeg processes with an argument naming <c>:{port}/</c>, the camera's RTSP URL.</summary>
    public static IReadOnlyList<int> Pulling(int cameraPort)
    {
        string needle = ":" + cameraPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/";
        var pids = new List<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            try
            {
                string[] arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (arguments.Length > 0 && Path.GetFileName(arguments[0]) == "ffmpeg"
                    && arguments.Any(a => a.Contains(needle, StringComparison.Ordinal)) && !ProcessState.IsGone(pid))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // It exited while we looked.
            }
        }

        return pids;
    }
}
