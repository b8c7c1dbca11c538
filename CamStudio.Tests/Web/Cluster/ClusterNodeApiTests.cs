using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using CamStudio.Web.Cluster.NodeAuth;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The owner's internal offer endpoint (plan §5): reachable only with a node token (anonymous callers, API tokens and
/// altered tokens get 401), answers with this node's own SDP through the one local offer path without charging the
/// forwarded user's budget a second time, and refuses with <c>not_owner</c> a camera it does not serve now.
/// </summary>
public sealed class ClusterNodeApiTests
{
    private static readonly ClusterNodeIdentity NodeA = new("a", Guid.NewGuid(), "http://127.0.0.1:1");

    private static ClaimsPrincipal Viewer(string id) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, id), new Claim(ClaimTypes.Role, CamStudioRoles.Viewer)], "test"));

    [Fact]
    public async Task A_node_token_gets_this_nodes_answer_and_everything_else_is_refused()
    {
        var ownership = new SwitchableOwnership();
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?> { ["Security:OffersPerMinute"] = "1" }, services =>
        {
            services.AddClusterNodeAuth();
            services.Replace(ServiceDescriptor.Singleton<ICameraOwnership>(ownership));
        });
        using HttpClient admin = app.CreateClient();
        int cameraId = await CreateLoopbackCameraAsync(admin);
        string viewerToken = await TestAccounts.CreateUserWithTokenAsync(app.Services, "node-viewer", CamStudioRoles.Viewer);
        NodeTokenService tokens = app.Services.GetRequiredService<NodeTokenService>();
        using HttpClient raw = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        raw.DefaultRequestHeaders.Authorization = null;
        string path = ClusterNodeApi.OfferPath(cameraId);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { sdp = SdpFixtures.Chrome126VideoOnly, quality = "stream2" });

        (await raw.SendAsync(Post(path, body, null))).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "anonymous");
        (await raw.SendAsync(Post(path, body, new AuthenticationHeaderValue("Bearer", viewerToken))))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized, "an API token is not a node token");
        string forOtherCamera = tokens.Mint(NodeA, Viewer("u1"), "POST", ClusterNodeApi.OfferPath(cameraId + 1), body);
        (await raw.SendAsync(Post(path, body, Node(forOtherCamera)))).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "token for another path");

        // Two offers for the same user although the budget is 1 per minute: the entry node charged it, not the owner.
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage answered = await raw.SendAsync(Post(path, body, Node(tokens.Mint(NodeA, Viewer("u1"), "POST", path, body))));
            string text = await answered.Content.ReadAsStringAsync();
            answered.StatusCode.Should().Be(HttpStatusCode.OK, text);
            JsonElement answer = JsonDocument.Parse(text).RootElement;
            string sdp = answer.GetProperty("answer_sdp").GetString()!;
            sdp.Should().Contain("a=fingerprint:sha-256 ").And.Contain("a=candidate:", "the browser connects to this node directly");
            answer.GetProperty("quality").GetString().Should().Be("stream2");
            string sessionId = answer.GetProperty("session_id").GetString()!;
            app.Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions("u1")
                .Should().Be(0, "the user's cap is counted at the entry node, which holds the slot");
            app.Services.GetRequiredService<ViewerOfferService>().Close(cameraId, sessionId).Should().BeTrue("the session lives here");
        }

        ownership.Local = false;
        using HttpResponseMessage notOwner = await raw.SendAsync(Post(path, body, Node(tokens.Mint(NodeA, Viewer("u1"), "POST", path, body))));
        notOwner.StatusCode.Should().Be(HttpStatusCode.Conflict);
        JsonDocument.Parse(await notOwner.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().Should().Be(ClusterNodeApi.NotOwnerCode);
    }

    [Fact]
    public async Task The_node_client_returns_the_owners_answer_and_owner_unavailable_when_it_cannot()
    {
        var ownership = new SwitchableOwnership();
        await using var owner = new CamStudioAppFactory(configureServices: services =>
        {
            services.AddClusterNodeAuth();
            services.Replace(ServiceDescriptor.Singleton<ICameraOwnership>(ownership));
        });
        using HttpClient admin = owner.CreateClient();
        int cameraId = await CreateLoopbackCameraAsync(admin);
        // The entry node shares the owner's key ring (in a cluster: the database's); here it uses the owner's token service.
        NodeTokenService tokens = owner.Services.GetRequiredService<NodeTokenService>();
        using HttpClient toOwner = owner.CreateClient();
        var client = new NodeClient(toOwner, tokens, NodeA, NullLogger<NodeClient>.Instance);

        ViewerOfferOutcome answered = await client.ForwardOfferAsync(toOwner.BaseAddress!, "b", Viewer("u1"), cameraId,
            SdpFixtures.Chrome126VideoOnly, "stream2", CancellationToken.None);
        answered.Error.Should().BeNull(answered.Detail);
        answered.OwnerNode.Should().Be("b");
        answered.AnswerSdp.Should().Contain("a=fingerprint:sha-256 ");
        owner.Services.GetRequiredService<ViewerOfferService>().Close(cameraId, answered.SessionId!).Should().BeTrue("the owner holds the session");

        (await client.ForwardOfferAsync(toOwner.BaseAddress!, "b", Viewer("u1"), cameraId, "not sdp", "stream2", CancellationToken.None))
            .Error.Should().Be(ViewerOfferError.InvalidOffer, "the owner's own refusal keeps its code");

        ownership.Local = false;
        (await client.ForwardOfferAsync(toOwner.BaseAddress!, "b", Viewer("u1"), cameraId, SdpFixtures.Chrome126VideoOnly, "stream2", CancellationToken.None))
            .Error.Should().Be(ViewerOfferError.OwnerUnavailable, "not_owner: the leases are moving");

        using var dead = new HttpClient();
        (await new NodeClient(dead, tokens, NodeA, NullLogger<NodeClient>.Instance).ForwardOfferAsync(new Uri("http://127.0.0.1:9/"), "b",
                Viewer("u1"), cameraId, SdpFixtures.Chrome126VideoOnly, "stream2", CancellationToken.None))
            .Error.Should().Be(ViewerOfferError.OwnerUnavailable, "nothing listens at the owner's address");
    }

    [Fact]
    public async Task Pictures_of_a_camera_whose_owner_cannot_answer_are_owner_unavailable_and_an_edit_still_saves()
    {
        var ownership = new SwitchableOwnership();
        var directory = new FixedDirectory();
        await using var app = new CamStudioAppFactory(configureServices: services =>
        {
            services.AddClusterNodeAuth();
            services.AddSingleton(NodeA); // in a cluster: Cluster:NodeName
            services.Replace(ServiceDescriptor.Singleton<ICameraOwnership>(ownership));
            services.AddSingleton<INodeDirectory>(directory);
        });
        using HttpClient client = app.CreateClient();
        int cameraId = await CreateLoopbackCameraAsync(client);
        ownership.Local = false; // b serves it

        foreach (Uri? ownerUrl in new[] { new Uri("http://127.0.0.1:9/"), null })
        {
            directory.Url = ownerUrl; // nothing listens there / b's URL is not known (yet)
            foreach (string resource in new[] { "snapshot.jpg", "poster.jpg" })
            {
                using HttpResponseMessage response = await client.GetAsync($"/api/cameras/{cameraId}/{resource}");
                response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, $"{resource} with owner URL {ownerUrl}: {await response.Content.ReadAsStringAsync()}");
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
                    .Should().Be("owner_unavailable", "the same retryable refusal the offer uses");
            }
        }

        (await client.GetAsync($"/api/cameras/{cameraId + 100}/snapshot.jpg")).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "an unknown camera is still answered here");

        directory.Url = new Uri("http://127.0.0.1:9/");
        using HttpResponseMessage edited = await client.PutAsJsonAsync($"/api/cameras/{cameraId}", new { name = "Back door" });
        edited.StatusCode.Should().Be(HttpStatusCode.OK, "the edit is stored; the owner's version poll applies it when it is back");
    }

    [Fact]
    public async Task Without_the_cluster_parts_the_internal_routes_do_not_exist()
    {
        await using var app = new CamStudioAppFactory();
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText).Should().NotContain(p => p!.StartsWith(ClusterNodeApi.Prefix, StringComparison.Ordinal));
    }

    private static AuthenticationHeaderValue Node(string token) => new(NodeTokenService.HeaderScheme, token);

    private static HttpRequestMessage Post(string path, byte[] body, AuthenticationHeaderValue? auth)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = auth;
        return request;
    }

    /// <summary>A camera on a closed loopback port: the stream fails to connect, the offer is still answered.</summary>
    private static async Task<int> CreateLoopbackCameraAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/cameras/create", new
        {
            name = "Door", source = "rtsp", ip_address = "127.0.0.1", rtsp_port = 9, hd_path = "/stream1", sd_path = "/stream2",
            username = "admin", password = "secret", stream_quality = "stream2",
        });
        string text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("camera_id").GetInt32();
    }

    private sealed class FixedDirectory : INodeDirectory
    {
        public volatile Uri? Url;

        public Uri? AdvertisedUrl(string nodeName) => nodeName == "b" ? Url : null;
    }

    private sealed class SwitchableOwnership : ICameraOwnership
    {
        public volatile bool Local = true;

        public bool IsLocal(int cameraId) => Local;

        public CameraOwner? OwnerOf(int cameraId) => Local ? CameraOwner.ThisNode : new CameraOwner("b", IsLocal: false);
    }
}
