using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Media.WebRtc;

namespace CamStudio.Tests.Web.Api;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamEndToEndCollection : ICollectionFixture<StreamEndToEndFixture>
{
    public const string Name = "Camera streams end to end";
}

/// <summary>
/// The whole app (in-memory HTTP, real UDP for WebRTC) advertising the namespace address, with a 2 s grace period, the
/// GStreamer RTSP test camera (720p/360p, 4 s GOP, basic+digest auth) and headless Chromium. Runs only inside
/// <c>unshare -n scripts/netns-run.sh</c>.
/// </summary>
public sealed class StreamEndToEndFixture() : AppEndToEndFixture(new RtspTestCameraOptions { GopSeconds = 4 }, GracePeriod)
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Creates a camera pointing at <paramref name="camera"/> (default: the fixture's) and returns its id.</summary>
    public Task<int> CreateCameraAsync(string? password = null, RtspTestCamera? camera = null) =>
        CreateRtspCameraAsync("E2E " + Guid.NewGuid().ToString("N")[..8], password, camera, "stream1");

    /// <summary>Offers from <paramref name="peer"/> through the JSON endpoint, applies the answer, returns the whole answer.</summary>
    internal async Task<JsonElement> ConnectAsync(int cameraId, BrowserPeer peer, string? quality = null)
    {
        string offer = await peer.CreateOfferAsync();
        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{cameraId}/webrtc/offer", new { sdp = offer, type = "offer", quality });
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(200, body);
        JsonElement answer = JsonDocument.Parse(body).RootElement.Clone();
        await peer.SetAnswerAsync(answer.GetProperty("sdp").GetString()!);
        return answer;
    }

    /// <summary>FFmpeg processes (from /proc) whose command line sends RTP to this stream's port.</summary>
    public static int CountFfmpegFor(CameraStream stream)
    {
        string target = "rtp://127.0.0.1:" + stream.Source.Port.ToString(CultureInfo.InvariantCulture);
        int count = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                string[] args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                bool zombie = stat.Split(") ")[^1].StartsWith('Z');
                if (!zombie && args.Length > 0 && Path.GetFileName(args[0]) == "ffmpeg" && args.Contains(target))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return count;
    }
}
