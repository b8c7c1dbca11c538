using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Infrastructure;

/// <summary>The REST calls the end-to-end fixtures share: a camera on the RTSP test camera, its status, waiting on it.</summary>
public static class CameraTestApi
{
    /// <summary>Creates a camera on <paramref name="camera"/> through the API and returns its id.</summary>
    /// <param name="pinnedNode">Cluster mode: the node to serve it from (null: placed by load).</param>
    public static async Task<int> CreateRtspCameraAsync(this HttpClient client, RtspTestCamera camera, string name, string? password, string quality,
        bool audio = false, string? pinnedNode = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(camera);
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/cameras/create", new
        {
            name,
            source = "rtsp",
            ip_address = camera.Host,
            rtsp_port = camera.Port,
            hd_path = RtspTestCamera.MainStream,
            sd_path = RtspTestCamera.SubStream,
            username = camera.User,
            password = password ?? camera.Password,
            stream_quality = quality,
            audio,
            pinned_node = pinnedNode,
        });
        return await CreatedIdAsync(response);
    }

    /// <summary>
    /// Creates a camera on a documentation address (192.0.2.10, RFC 5737) and returns its id: nothing contacts it as long
    /// as health checks are off and nobody watches it.
    /// </summary>
    public static async Task<int> CreateUnreachableCameraAsync(this HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Door",
            source = "rtsp",
            ip_address = "192.0.2.10",
            rtsp_port = 554,
            hd_path = "/stream1",
            sd_path = "/stream2",
            username = "admin",
            password = "secret",
            stream_quality = "stream2",
        });
        return await CreatedIdAsync(response);
    }

    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("camera_id").GetInt32();
    }

    public static async Task<JsonElement> GetStatusAsync(this HttpClient client, int cameraId)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await client.GetFromJsonAsync<JsonElement>($"/api/cameras/{cameraId}/status");
    }

    /// <summary>Polls the status endpoint until <paramref name="condition"/> holds; the message carries the last status.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(this HttpClient client, int cameraId, Func<JsonElement, bool> condition,
        TimeSpan deadline, string what)
    {
        JsonElement last = default;
        try
        {
            await Eventually.WaitUntilAsync(async () => condition(last = await client.GetStatusAsync(cameraId)), deadline, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last status: {last}", ex);
        }

        return last;
    }
}
