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

    /// <summary>
    /// The flags of the first <paramref name="count"/> video packets of a new RTSP session, one per line ("K_" for a key
    /// frame, "__" for others), as the camera sent them: ffprobe shows the packets it read while probing too.
    /// </summary>
    public static Task<(int ExitCode, string Output)> FirstVideoPacketFlagsAsync(string url, int count, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(
            "ffprobe",
            [
                "-v", "error", "-rtsp_transport", "tcp", "-analyzeduration", "500000", "-fpsprobesize", "0",
                "-select_streams", "v:0", "-show_entries", "packet=flags",
                "-read_intervals", "%+#" + count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-of", "csv=p=0", url,
            ],
            TimeSpan.FromSeconds(30),
            cancellationToken);
}
