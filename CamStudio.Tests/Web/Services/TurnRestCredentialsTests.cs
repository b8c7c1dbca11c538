using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CamStudio.Media.WebRtc;
using CamStudio.Web.Services;

namespace CamStudio.Tests.Web.Services;

/// <summary>
/// TURN REST API credentials (the scheme coturn's use-auth-secret checks) and the ICE server options that configure them.
/// The end-to-end proof — Chromium relaying through a real coturn with minted credentials — is in
/// Web/Components/EndToEnd/TurnRelayTests.
/// </summary>
public sealed class TurnRestCredentialsTests
{
    // Expected values computed independently with Python's hmac module:
    //   base64.b64encode(hmac.new(secret, username, hashlib.sha1).digest())
    [Theory]
    [InlineData("north", "alice", 1_700_000_000L, "1700000000:alice", "Cd/49soE35ICqcJF/bCTn8Z4OyE=")]
    [InlineData("camstudio-turn-secret", "3f2b9c1e-user", 1_764_806_400L, "1764806400:3f2b9c1e-user", "D/ehGCD1hsIOL74e9tL4YofbUPU=")]
    public void Username_is_expiry_colon_user_and_credential_is_base64_hmac_sha1(
        string secret, string user, long expiry, string expectedUsername, string expectedCredential)
    {
        (string username, string credential) = TurnRestCredentials.Mint(secret, user, DateTimeOffset.FromUnixTimeSeconds(expiry));

        username.Should().Be(expectedUsername);
        credential.Should().Be(expectedCredential);
    }

    [Fact]
    public void A_colon_in_the_user_cannot_shift_the_expiry()
    {
        TurnRestCredentials.Mint("s", "a:99999999999", DateTimeOffset.FromUnixTimeSeconds(10)).Username.Should().Be("10:a_99999999999");
    }

    [Theory]
    [InlineData("http://turn.example", null, null, "stun:, stuns:, turn: or turns:")]
    [InlineData("turn:turn.example", "user", "secret", "not both")]
    public void Invalid_ice_servers_fail_validation_with_a_reason(string url, string? username, string? secret, string reason)
    {
        var options = new WebRtcOptions
        {
            IceServers = [new IceServerOptions { Urls = [url], Username = username, Secret = secret }],
        };

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true).Should().BeFalse();

        results.Should().ContainSingle().Which.ErrorMessage.Should().StartWith("IceServers[0]: ").And.Contain(reason);
    }

    [Fact]
    public void Valid_stun_and_secret_turn_servers_pass_validation()
    {
        var options = new WebRtcOptions
        {
            IceServers =
            [
                new IceServerOptions { Urls = ["stun:stun.example:3478"] },
                new IceServerOptions { Urls = ["turn:turn.example:3478?transport=udp", "turns:turn.example:5349"], Secret = "s" },
            ],
        };

        Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true).Should().BeTrue();
    }
}
