using System.Text;
using CamStudio.Media.Rtsp;
using FluentAssertions;

namespace CamStudio.Tests.Media.Rtsp;

public class RtspAuthorizationTests
{
    // RFC 2617 §3.5: the published example (Mufasa / "Circle Of Life", qop=auth, GET /dir/index.html).
    [Fact]
    public void Digest_response_matches_the_RFC_2617_section_3_5_example()
    {
        string response = RtspAuthorization.DigestResponse(
            "MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");

        response.Should().Be("6629fae49393a05397450978507c4ef1");
    }

    // RFC 7616 §3.9.1: the same exchange with SHA-256 (nonce, cnonce and response as published).
    [Fact]
    public void Digest_response_matches_the_RFC_7616_section_3_9_1_SHA_256_example()
    {
        string response = RtspAuthorization.DigestResponse(
            "SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");

        response.Should().Be("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    [Fact]
    public void Legacy_digest_without_qop_hashes_HA1_nonce_HA2()
    {
        // RFC 2617 §3.2.2.1 without qop: H(HA1:nonce:HA2). Computed independently with the same inputs.
        string ha1 = Md5Hex("admin:GStreamer RTSP Server:secret");
        string ha2 = Md5Hex("DESCRIBE:rtsp://127.0.0.1:8554/stream1");
        string expected = Md5Hex($"{ha1}:abc123:{ha2}");

        RtspAuthorization.DigestResponse("MD5", "admin", "GStreamer RTSP Server", "secret", "DESCRIBE",
            "rtsp://127.0.0.1:8554/stream1", "abc123", null, null, null).Should().Be(expected);
    }

    [Fact]
    public void Digest_header_carries_qop_fields_only_when_the_camera_offered_qop()
    {
        var legacy = new DigestChallenge("cam", "n1", null, "MD5", QopAuth: false, Stale: false);
        var modern = legacy with { QopAuth = true, Opaque = "op" };

        string legacyHeader = RtspAuthorization.Digest(legacy, "admin", "pw", "DESCRIBE", "rtsp://h:554/s", "c1");
        string modernHeader = RtspAuthorization.Digest(modern, "admin", "pw", "DESCRIBE", "rtsp://h:554/s", "c1");

        legacyHeader.Should().StartWith("Digest username=\"admin\", realm=\"cam\", nonce=\"n1\", uri=\"rtsp://h:554/s\", response=\"")
            .And.NotContain("qop").And.NotContain("cnonce").And.NotContain("pw\"");
        modernHeader.Should().Contain("qop=auth, nc=00000001, cnonce=\"c1\"").And.Contain("opaque=\"op\"");
    }

    [Fact]
    public void Basic_is_base64_of_user_colon_password()
    {
        // RFC 7617 §2 example.
        RtspAuthorization.Basic("Aladdin", "open sesame").Should().Be("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    [Fact]
    public void Challenge_parsing_reads_quoted_and_token_parameters()
    {
        byte[] value = "Digest realm=\"Login to \\\"cam\\\"\", qop=\"auth,auth-int\", nonce=\"abc\", opaque=xyz, algorithm=MD5, stale=TRUE"u8.ToArray();

        DigestChallenge.TryParse(value, out DigestChallenge? challenge).Should().BeTrue();

        challenge.Should().Be(new DigestChallenge("Login to \"cam\"", "abc", "xyz", "MD5", QopAuth: true, Stale: true));
    }

    [Theory]
    [InlineData("Basic realm=\"cam\"")]
    [InlineData("Digest realm=\"cam\"")] // no nonce
    [InlineData("Digest realm=\"unterminated, nonce=\"x\"")]
    [InlineData("Digest realm")]
    [InlineData("Digestive realm=\"a\", nonce=\"b\"")]
    [InlineData("")]
    public void Challenge_parsing_refuses_what_it_cannot_answer(string value)
    {
        DigestChallenge.TryParse(Encoding.UTF8.GetBytes(value), out DigestChallenge? challenge).Should().BeFalse();
        challenge.Should().BeNull();
    }

    private static string Md5Hex(string text) =>
#pragma warning disable CA5351 // the camera's algorithm, recomputed for the test
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
