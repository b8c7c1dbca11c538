using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using CamStudio.Core.Accounts;
using CamStudio.Web.Cluster;
using CamStudio.Web.Cluster.NodeAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Node-to-node tokens (plan §5 "Auth"): a token minted by one node for one request is accepted once by a node sharing
/// the key ring, with the forwarded user's identity, and refused when altered, expired, replayed, minted by another key
/// ring, or presented with another method, path or body.
/// </summary>
public sealed class NodeAuthTests
{
    private const string OfferPath = "/internal/cluster/cameras/7/offer";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"sdp\":\"v=0\",\"quality\":\"stream2\"}");

    private static readonly ClusterNodeIdentity NodeA = new("a", Guid.NewGuid(), "http://127.0.0.1:5001");

    private static ClaimsPrincipal Viewer() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "user-1"), new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, CamStudioRoles.Viewer)],
        "test"));

    private static NodeTokenService Service(IDataProtectionProvider ring, TimeProvider? time = null) =>
        new(ring, new NodeNonceCache(time ?? TimeProvider.System), time ?? TimeProvider.System);

    [Fact]
    public void A_valid_token_is_accepted_once_with_the_forwarded_user()
    {
        var ring = new EphemeralDataProtectionProvider();
        string token = Service(ring).Mint(NodeA, Viewer(), "POST", OfferPath, Body);
        NodeTokenService owner = Service(ring);

        owner.Validate(token, "POST", OfferPath, Body, out NodeTokenPayload? payload).Should().Be(NodeTokenRefusal.None);
        ClaimsPrincipal user = NodeTokenService.ToPrincipal(payload!, NodeAuthenticationHandler.SchemeName);
        user.FindFirstValue(ClaimTypes.NameIdentifier).Should().Be("user-1");
        user.Identity!.Name.Should().Be("alice");
        user.IsInRole(CamStudioRoles.Viewer).Should().BeTrue();
        user.FindFirstValue(NodeTokenService.ViaNodeClaim).Should().Be("a");
        payload!.Incarnation.Should().Be(NodeA.Incarnation);

        owner.Validate(token, "POST", OfferPath, Body, out _).Should().Be(NodeTokenRefusal.Replayed,
            "a captured request played again must not open a second session");
    }

    [Theory]
    [InlineData("GET", OfferPath, false, NodeTokenRefusal.WrongRequest)]
    [InlineData("POST", "/internal/cluster/cameras/8/offer", false, NodeTokenRefusal.WrongRequest)]
    [InlineData("POST", OfferPath, true, NodeTokenRefusal.WrongBody)]
    public void A_token_for_another_request_is_refused(string method, string path, bool otherBody, NodeTokenRefusal expected)
    {
        var ring = new EphemeralDataProtectionProvider();
        string token = Service(ring).Mint(NodeA, Viewer(), "POST", OfferPath, Body);
        byte[] body = otherBody ? Encoding.UTF8.GetBytes("{\"sdp\":\"v=0 altered\"}") : Body;

        Service(ring).Validate(token, method, path, body, out NodeTokenPayload? payload).Should().Be(expected);
        payload.Should().BeNull();
    }

    [Fact]
    public void A_tampered_token_or_one_from_another_key_ring_is_refused()
    {
        var ring = new EphemeralDataProtectionProvider();
        string token = Service(ring).Mint(NodeA, Viewer(), "POST", OfferPath, Body);
        char[] chars = token.ToCharArray();
        int middle = chars.Length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';

        Service(ring).Validate(new string(chars), "POST", OfferPath, Body, out _).Should().Be(NodeTokenRefusal.Invalid);
        Service(ring).Validate("not a token!", "POST", OfferPath, Body, out _).Should().Be(NodeTokenRefusal.Invalid);
        Service(new EphemeralDataProtectionProvider()).Validate(token, "POST", OfferPath, Body, out _)
            .Should().Be(NodeTokenRefusal.Invalid, "a node outside the cluster's key ring cannot mint tokens");
        Service(ring).Validate(token, "POST", OfferPath, Body, out _)
            .Should().Be(NodeTokenRefusal.None, "the refusals above must not have spent the genuine token's nonce");
    }

    [Fact]
    public void A_token_older_than_its_lifetime_is_refused()
    {
        // The protector checks expiry against the real clock, so the token is minted by a clock 31 s behind it.
        var ring = new EphemeralDataProtectionProvider();
        var behind = new ShiftedClock(-(NodeTokenService.Lifetime + TimeSpan.FromSeconds(1)));
        string token = Service(ring, behind).Mint(NodeA, Viewer(), "POST", OfferPath, Body);

        Service(ring).Validate(token, "POST", OfferPath, Body, out _).Should().Be(NodeTokenRefusal.Invalid);
    }

    [Fact]
    public void The_nonce_cache_forgets_a_nonce_after_its_window()
    {
        var clock = new ManualTimeProvider();
        var cache = new NodeNonceCache(clock);
        cache.TryUse("n1").Should().BeTrue();
        clock.Advance(NodeNonceCache.Window - TimeSpan.FromSeconds(1));
        cache.TryUse("n1").Should().BeFalse("within the window a nonce is a replay");
        clock.Advance(TimeSpan.FromSeconds(20));
        cache.TryUse("n2").Should().BeTrue();
        cache.Count.Should().Be(1, "the sweep dropped n1, whose token had long expired");
    }

    [Fact]
    public async Task The_handler_accepts_a_node_token_and_refuses_everything_else_with_401()
    {
        var ring = new EphemeralDataProtectionProvider();
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IDataProtectionProvider>(ring);
        builder.Services.AddClusterNodeAuth();
        builder.Services.AddAuthorization();
        await using WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost(OfferPath, async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                string body = await reader.ReadToEndAsync();
                return $"{context.User.FindFirstValue(ClaimTypes.NameIdentifier)}|{context.User.FindFirstValue(NodeTokenService.ViaNodeClaim)}|{body}";
            })
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(NodeAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        await app.StartAsync();
        using HttpClient client = app.GetTestClient();
        NodeTokenService minter = Service(ring);

        HttpResponseMessage ok = await client.SendAsync(Request(minter.Mint(NodeA, Viewer(), "POST", OfferPath, Body), Body));
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ok.Content.ReadAsStringAsync()).Should().Be("user-1|a|" + Encoding.UTF8.GetString(Body),
            "the endpoint sees the forwarded user and can still read the body the handler hashed");

        string once = minter.Mint(NodeA, Viewer(), "POST", OfferPath, Body);
        (await client.SendAsync(Request(once, Body))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.SendAsync(Request(once, Body))).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "replayed");
        (await client.SendAsync(Request(minter.Mint(NodeA, Viewer(), "POST", OfferPath, Body), Encoding.UTF8.GetBytes("{}"))))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another body");
        (await client.SendAsync(Request(null, Body))).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "no token");

        await app.StopAsync();
    }

    private static HttpRequestMessage Request(string? token, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, OfferPath) { Content = new ByteArrayContent(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(NodeTokenService.HeaderScheme, token);
        }

        return request;
    }

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
    }
}
