using System.Security.Cryptography;
using System.Text;
using CamStudio.Core.Webhooks;

namespace CamStudio.Tests.Core.Webhooks;

/// <summary>The HMAC helper against RFC 4231's HMAC-SHA256 vectors, and the header built over timestamp + "." + body.</summary>
public sealed class WebhookSignatureTests
{
    [Fact]
    public void Rfc4231_test_case_1_hmac_sha256()
    {
        byte[] key = Enumerable.Repeat((byte)0x0b, 20).ToArray();
        WebhookSignature.HmacSha256Hex(key, "Hi There"u8)
            .Should().Be("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }

    [Fact]
    public void Rfc4231_test_case_2_hmac_sha256_key_shorter_than_the_block()
    {
        WebhookSignature.HmacSha256Hex("Jefe"u8, "what do ya want for nothing?"u8)
            .Should().Be("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Fact]
    public void Signature_is_sha256_of_timestamp_dot_body_and_verifies_only_the_same_bytes()
    {
        byte[] body = """{"type":"camera.offline"}"""u8.ToArray();
        string header = WebhookSignature.Compute("whsec_0123456789abcdef", "1764871200", body);

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes("whsec_0123456789abcdef"));
        string expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1764871200." + Encoding.UTF8.GetString(body))));
        header.Should().Be(expected);
        WebhookSignature.Verify("whsec_0123456789abcdef", "1764871200", body, header).Should().BeTrue();
        WebhookSignature.Verify("whsec_0123456789abcdef", "1764871201", body, header).Should().BeFalse("the timestamp is signed");
        WebhookSignature.Verify("whsec_other-secret-000", "1764871200", body, header).Should().BeFalse();
    }
}
