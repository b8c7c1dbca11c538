using System.Security.Claims;
using CamStudio.Core.Cameras;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Web.Components;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Services;

/// <summary>
/// The offer service's role check, which the surface table cannot reach (every account the app creates has a role):
/// a principal without a watching role, or not signed in at all, is refused before anything else is spent on it.
/// </summary>
public sealed class ViewerOfferServiceTests() : UiTestContext(s_clock)
{
    private static readonly ManualTimeProvider s_clock = new(DateTimeOffset.FromUnixTimeSeconds(1_764_806_400));

    private ViewerOfferService Offers => Services.GetRequiredService<ViewerOfferService>();

    public static TheoryData<string, ClaimsPrincipal> NotAllowed => new()
    {
        { "signed in, no role", new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "no-role")], "test")) },
        { "signed in, unknown role", new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "odd-role"), new Claim(ClaimTypes.Role, "Guest")], "test")) },
        { "not signed in", new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, "Admin")])) },
    };

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public async Task A_principal_without_a_watching_role_is_forbidden_and_spends_nothing(string who, ClaimsPrincipal user)
    {
        CameraResponse camera = await CreateCameraAsync("Cam " + who);

        ViewerOfferOutcome outcome = await Offers.OfferAsync(user, camera.CameraId, "v=0\r\n", "stream2", CancellationToken.None);

        outcome.Error.Should().Be(ViewerOfferError.Forbidden, who);
        outcome.Error!.Value.HttpStatus().Should().Be(403);
        outcome.Session.Should().BeNull();
        Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(ViewerOfferService.UserKey(user)).Should().Be(0);
    }

    [Fact]
    public void A_turn_server_with_a_secret_gets_credentials_minted_for_the_user_and_static_ones_pass_as_configured()
    {
        WebRtcOptions options = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebRtcOptions>>().Value;
        options.IceServers.Add(new IceServerOptions { Urls = ["stun:stun.example:3478"] });
        options.IceServers.Add(new IceServerOptions { Urls = ["turn:turn.example:3478"], Username = "static", Credential = "pw" });
        options.IceServers.Add(new IceServerOptions
        {
            Urls = ["turn:turn.example:3478?transport=udp"], Secret = "camstudio-turn-secret", CredentialLifetime = TimeSpan.FromHours(1),
        });
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "3f2b9c1e-user")], "test"));

        IReadOnlyList<IceServer> servers = Offers.GetIceServers(user);

        servers[0].Should().BeEquivalentTo(new IceServer(["stun:stun.example:3478"], null, null));
        servers[1].Username.Should().Be("static");
        servers[1].Credential.Should().Be("pw");
        // now + 1 h; the HMAC is the one TurnRestCredentialsTests checks against an independent computation.
        servers[2].Username.Should().Be("1764810000:3f2b9c1e-user");
        servers[2].Credential.Should().Be(TurnRestCredentials.Mint("camstudio-turn-secret", "3f2b9c1e-user",
            DateTimeOffset.FromUnixTimeSeconds(1_764_810_000)).Credential);
    }
}
