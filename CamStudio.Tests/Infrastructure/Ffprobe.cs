namespace CamStudio.Tests.Infrastructure;

/// <summary>Real ffprobe, for asserting what a stream actually carries.</summary>
public static class Ffprobe
{
    /// <summary>
    /// Probes the first video stream of an RTSP URL over TCP. Output holds "key=value" lines (codec_name, profile,
    /// width, height) on success and ffprobe's error text (e.g. "401 Unauthorized") otherwise.
    /// </summary>
    public static Task<(int ExitCode, string Output)> ProbeRtspAsync(string url, CancellationToken cancellationToken) =>
        ProbeRtspAsync(url, "v:0", cancellationToken);

    /// <summary>Like the video probe, for the streams <paramref name="select"/> names ("a:0" for the audio track).</summary>
    public static Task<(int ExitCode, string Output)> ProbeRtspAsync(string url, string select, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(
            "ffprobe",
            [
                "-v", "error", "-rtsp_transport", "tcp", "-select_streams", select,
                "-show_entries", "stream=codec_name,profile,width,height,sample_rate,channels",
                "-of", "default=noprint_wrappers=1", url,
            ],
            TimeSpan.FromSeconds(30),
            cancellationToken);
}
