using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamStudio.Media.Streaming;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Sdp;

namespace CamStudio.Tests.Web.Api;

/// <summary>
/// The status and signalling endpoints through the whole app, with real FFmpeg playing the built-in demo camera.
/// No browser here (see StreamEndToEndTests): a real Chrome offer is answered and the session exists server-side.
/// </summary>
public sealed class StreamApiTests() : CameraApiTestBase(TestDatabase.Sqlite())
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("GET", "/api/cameras/999/status")]
    [InlineData("GET", "/api/cameras/999/combined")]
    [InlineData("POST", "/api/cameras/999/webrtc/offer")]
    [InlineData("POST", "/api/cameras/999/whep")]
    public async Task An_unknown_camera_is_404_problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path.EndsWith("offer", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer" });
        }
        else if (path.EndsWith("whep", StringComparison.Ordinal))
        {
            request.Content = new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp");
        }

        using HttpResponseMessage response = await Client.SendAsync(request);

        JsonElement problem = await ReadProblemAsync(response, 404);
        problem.GetProperty("code").GetString().Should().Be("camera_not_found");
    }

    [Fact]
    public async Task A_malformed_offer_is_400_with_the_servers_reason()
    {
        int id = await CreateDemoCameraAsync();

        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = "v=0\r\nthis is not sdp\r\n", type = "offer" });

        JsonElement problem = await ReadProblemAsync(response, 400);
        problem.GetProperty("code").GetString().Should().Be("invalid_offer");
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        GetService<WebRtcServer>().SessionCount.Should().Be(0);
    }

    [Fact]
    public async Task An_answer_type_in_the_offer_field_is_400()
    {
        int id = await CreateDemoCameraAsync();

        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "answer" });

        (await ReadProblemAsync(response, 400)).GetProperty("detail").GetString().Should().Contain("offer");
    }

    [Fact]
    public async Task Offer_answers_counts_the_viewer_streams_the_demo_camera_and_delete_ends_the_session()
    {
        int id = await CreateDemoCameraAsync();

        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer", quality = "stream2" });
        JsonElement answer = await ReadJsonAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer.ToString());
        PropertyNames(answer).Should().BeEquivalentTo(["sdp", "type", "session_id", "quality", "ice_servers"]);
        answer.GetProperty("type").GetString().Should().Be("answer");
        answer.GetProperty("sdp").GetString().Should().Contain("a=ice-lite").And.Contain("H264");
        answer.GetProperty("quality").GetString().Should().Be("stream2");
        string sessionId = answer.GetProperty("session_id").GetString()!;

        // Real FFmpeg encodes the demo pattern at 25 fps: status must say streaming only once frames arrive.
        JsonElement status = await WaitForStatusAsync(id, s => s.GetProperty("state").GetString() == "streaming"
            && s.GetProperty("fps").GetDouble() > 20, "the demo stream runs at about 25 fps");
        status.GetProperty("viewer_count").GetInt32().Should().Be(1);
        status.GetProperty("is_running").GetBoolean().Should().BeTrue();
        status.GetProperty("last_frame_time").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3));
        status.GetProperty("fps").GetDouble().Should().BeInRange(23, 27);
        status.GetProperty("bitrate_kbps").GetDouble().Should().BeGreaterThan(0);
        JsonElement sd = status.GetProperty("streams")[0];
        sd.GetProperty("quality").GetString().Should().Be("stream2");
        sd.GetProperty("width").GetInt32().Should().Be(640);

        using HttpResponseMessage deleted = await Client.DeleteAsync($"/api/cameras/{id}/webrtc/{sessionId}");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetStatusAsync(id)).GetProperty("viewer_count").GetInt32().Should().Be(0);
        using HttpResponseMessage again = await Client.DeleteAsync($"/api/cameras/{id}/webrtc/{sessionId}");
        (await ReadProblemAsync(again, 404)).GetProperty("code").GetString().Should().Be("session_not_found");
    }

    [Fact]
    public async Task Only_the_user_who_opened_a_session_can_end_it_another_user_gets_404_and_the_viewer_keeps_watching()
    {
        int id = await CreateDemoCameraAsync();
        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer", quality = "stream2" });
        JsonElement answer = await ReadJsonAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer.ToString());
        string sessionId = answer.GetProperty("session_id").GetString()!;
        using HttpClient other = await ViewerClientAsync("someone-else");

        foreach (string path in new[] { $"/api/cameras/{id}/webrtc/{sessionId}", $"/api/cameras/{id}/whep/{sessionId}" })
        {
            using HttpResponseMessage refused = await other.DeleteAsync(path);
            (await ReadProblemAsync(refused, 404)).GetProperty("code").GetString().Should().Be("session_not_found");
        }

        GetService<WebRtcServer>().TryGetSession(sessionId, out ViewerSession? session).Should().BeTrue();
        session!.State.Should().NotBe(ViewerSessionState.Closed);
        using HttpResponseMessage deleted = await Client.DeleteAsync($"/api/cameras/{id}/webrtc/{sessionId}");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        session.State.Should().Be(ViewerSessionState.Closed);
    }

    [Fact]
    public async Task Whep_post_gives_201_with_the_answer_and_location_and_delete_on_it_ends_the_session()
    {
        int id = await CreateDemoCameraAsync();

        using var content = new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp");
        using HttpResponseMessage response = await Client.PostAsync($"/api/cameras/{id}/whep?quality=stream1", content);

        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/sdp");
        body.Should().StartWith("v=0").And.Contain("a=ice-lite");
        Uri location = response.Headers.Location!;
        location.OriginalString.Should().StartWith($"/api/cameras/{id}/whep/");
        string sessionId = location.OriginalString.Split('/')[^1];
        GetService<WebRtcServer>().TryGetSession(sessionId, out ViewerSession? session).Should().BeTrue();
        session!.CameraKey.Should().Be($"{id}-stream1");

        using HttpResponseMessage deleted = await Client.DeleteAsync(location);
        deleted.IsSuccessStatusCode.Should().BeTrue();
        session.State.Should().Be(ViewerSessionState.Closed);
        GetService<WebRtcServer>().TryGetSession(sessionId, out _).Should().BeFalse();
    }

    [Fact]
    public async Task Whep_refuses_other_content_types_and_unknown_qualities()
    {
        int id = await CreateDemoCameraAsync();

        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        using HttpResponseMessage wrongType = await Client.PostAsync($"/api/cameras/{id}/whep", json);
        await ReadProblemAsync(wrongType, 415);

        using var sdp = new StringContent(SdpFixtures.Chrome126VideoOnly, Encoding.UTF8, "application/sdp");
        using HttpResponseMessage wrongQuality = await Client.PostAsync($"/api/cameras/{id}/whep?quality=stream9", sdp);
        (await ReadProblemAsync(wrongQuality, 400)).GetProperty("code").GetString().Should().Be("invalid_quality");
    }

    [Fact]
    public async Task Deleting_a_camera_ends_its_viewers_and_its_ffmpeg()
    {
        int id = await CreateDemoCameraAsync();
        string sessionId = await OfferAsync(id);
        CameraStream stream = GetService<CameraStreamHost>().Streams.Single();
        await Eventually.WaitUntilAsync(() => stream.Supervisor.ProcessId != 0, s_deadline, "FFmpeg started");
        int pid = stream.Supervisor.ProcessId;
        GetService<WebRtcServer>().TryGetSession(sessionId, out ViewerSession? session).Should().BeTrue();

        using HttpResponseMessage deleted = await Client.DeleteAsync($"/api/cameras/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        session!.CloseReason.Should().Be(ViewerCloseReason.SourceRemoved);
        GetService<CameraStreamHost>().Streams.Should().BeEmpty();
        await Eventually.WaitUntilAsync(() => ProcessIsGone(pid), s_deadline, "FFmpeg of the deleted camera is gone");
    }

    [Fact]
    public async Task Updating_a_streaming_camera_restarts_ffmpeg_only_for_what_it_pulls_and_keeps_the_viewer()
    {
        int id = await CreateDemoCameraAsync();
        string sessionId = await OfferAsync(id);
        CameraStream stream = GetService<CameraStreamHost>().Streams.Single();
        await Eventually.WaitUntilAsync(() => stream.Supervisor.ProcessId != 0, s_deadline, "FFmpeg started");
        int before = stream.Supervisor.ProcessId;

        using (HttpResponseMessage described = await PutJsonAsync(id, """{"description":"moved to the porch"}"""))
        {
            described.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        stream.Supervisor.ProcessId.Should().Be(before, "a new description changes nothing FFmpeg pulls with");
        using HttpResponseMessage updated = await PutJsonAsync(id, """{"audio":true}""");

        updated.StatusCode.Should().Be(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        await Eventually.WaitUntilAsync(() => stream.Supervisor.ProcessId is not 0 && stream.Supervisor.ProcessId != before,
            s_deadline, "a new FFmpeg with the new settings");
        await Eventually.WaitUntilAsync(() => ProcessIsGone(before), s_deadline, "the old FFmpeg was stopped");
        GetService<WebRtcServer>().TryGetSession(sessionId, out ViewerSession? session).Should().BeTrue();
        session!.State.Should().NotBe(ViewerSessionState.Closed);
    }

    [Fact]
    public async Task Status_all_and_combined_cover_every_camera()
    {
        int first = await CreateDemoCameraAsync();
        int second = await CreateDemoCameraAsync();

        JsonElement all = await Client.GetFromJsonAsync<JsonElement>("/api/cameras/status/all");
        all.EnumerateArray().Select(s => s.GetProperty("camera_id").GetInt32()).Should().Equal(first, second);
        all[0].GetProperty("state").GetString().Should().Be("idle");

        JsonElement combined = await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{second}/combined");
        combined.GetProperty("camera_id").GetInt32().Should().Be(second);
        combined.GetProperty("source").GetString().Should().Be("demo");
        combined.GetProperty("status").GetProperty("state").GetString().Should().Be("idle");
    }

    private static bool ProcessIsGone(int pid) => CamStudio.Tests.Media.Ffmpeg.ProcessState.IsGone(pid);

    private async Task<int> CreateDemoCameraAsync() =>
        (await CreateCameraAsync(new { name = UniqueName("Demo"), source = "demo" })).GetProperty("camera_id").GetInt32();

    private async Task<string> OfferAsync(int id)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync(
            $"/api/cameras/{id}/webrtc/offer", new { sdp = SdpFixtures.Chrome126VideoOnly, type = "offer" });
        JsonElement answer = await ReadJsonAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer.ToString());
        return answer.GetProperty("session_id").GetString()!;
    }

    private async Task<JsonElement> GetStatusAsync(int id) => await Client.GetFromJsonAsync<JsonElement>($"/api/cameras/{id}/status");

    private async Task<JsonElement> WaitForStatusAsync(int id, Func<JsonElement, bool> condition, string what)
    {
        JsonElement last = default;
        try
        {
            await Eventually.WaitUntilAsync(async () => condition(last = await GetStatusAsync(id)), s_deadline, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last status: {last}", ex);
        }

        return last;
    }
}
