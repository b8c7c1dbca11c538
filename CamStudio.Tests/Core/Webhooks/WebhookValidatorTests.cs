using CamStudio.Core.Webhooks;

namespace CamStudio.Tests.Core.Webhooks;

/// <summary>The URL rules the API and the page share, and the URL mask every listing uses.</summary>
public sealed class WebhookValidatorTests
{
    [Theory]
    [InlineData("https://example.com/hook")]
    [InlineData("http://192.168.1.10:8123/api/webhook/abc")]
    [InlineData("http://[fe80::1]:8080/x?y=1")]
    public void Accepts_absolute_http_and_https(string url) => WebhookValidator.ValidateUrl(url).Should().BeNull();

    [Theory]
    [InlineData("", "Enter the URL")]
    [InlineData("/relative/hook", "http:// or https://")] // a rooted path parses as file:// on Unix
    [InlineData("cameras.example.net/notify", "absolute URL")]
    [InlineData("ftp://example.com/hook", "http:// or https://")]
    [InlineData("file:///etc/passwd", "http:// or https://")]
    [InlineData("https://admin:hunter2@example.com/hook", "user name or password")]
    [InlineData("https://example.com/hook#x", "fragment")]
    public void Refuses_with_a_reason_that_never_echoes_the_url(string url, string reason)
    {
        string? error = WebhookValidator.ValidateUrl(url);
        error.Should().Contain(reason);
        if (url.Length > 0)
        {
            error.Should().NotContain(url).And.NotContain("hunter2");
        }
    }

    [Fact]
    public void Refuses_urls_over_the_length_limit() =>
        WebhookValidator.ValidateUrl("https://example.com/" + new string('a', WebhookValidator.MaxUrlLength)).Should().Contain("at most");

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://hooks.slack.com/services/…")]
    [InlineData("http://127.0.0.1:8123/api/webhook/secret-id", "http://127.0.0.1:8123/api/…")]
    [InlineData("https://example.com/hook?token=abc", "https://example.com/hook/…")]
    [InlineData("https://example.com/hook", "https://example.com/hook")]
    public void Listing_masks_everything_after_the_first_path_segment(string url, string shown) =>
        WebhookService.MaskUrl(url).Should().Be(shown);
}
