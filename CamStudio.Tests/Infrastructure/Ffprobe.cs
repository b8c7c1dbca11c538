namespace CamStudio.Tests.Infrastructure;

/// <summary>Real ffprobe, for asserting what a stream actually carries.</summary>
public static class Ffprobe
{
    /// <summary>
    /// Probes the first video stream of an RTSP URL over TCP. Output holds "key=value" lines (codec_name, profile,
    /// width, height) on success and ffprobe's error text (e.g. "401 Unauthorized") otherwise.
    /// </summary>
    public static Task<(int ExitCode, string Output)> ProbeRtspAsync(string url, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(
            "ffprobe",
            [
                "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,profile,width,height",
                "-of", "default=noprint_wrappers=1", url,
            ],
            TimeSpan.FromSeconds(30),
            cancellationToken);
}
