using Bunit;
using CamStudio.Core.Webhooks;
using CamStudio.Web.Components.Webhooks;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Webhooks;

/// <summary>The Webhooks page's form validation and the secret shown exactly once, against the real webhook store.</summary>
public sealed class WebhooksPageTests : UiTestContext
{
    public WebhooksPageTests() => Services.AddCamStudioNotifications();

    [Fact]
    public async Task Empty_and_bad_fields_show_errors_under_them_and_save_nothing()
    {
        IRenderedComponent<WebhooksPage> page = Render<WebhooksPage>();
        await page.Find("form").SubmitAsync();
        Error(page, "name").Should().Be("Enter a name.");
        Error(page, "url").Should().Be("Enter the URL to POST to.");

        await Input(page, "url").ChangeAsync(new ChangeEventArgs { Value = "https://admin:hunter2@example.com/hook" });
        Error(page, "url").Should().Contain("must not contain a user name or password");
        await Input(page, "url").ChangeAsync(new ChangeEventArgs { Value = "ftp://example.com/hook" });
        Error(page, "url").Should().Contain("http:// or https://");
        await Input(page, "secret").ChangeAsync(new ChangeEventArgs { Value = "short" });
        Error(page, "secret").Should().Contain("16 to 256 characters");
        await page.Find("form").SubmitAsync();

        page.Markup.Should().NotContain("hunter2");
        (await Services.GetRequiredService<WebhookService>().ListAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_new_webhook_shows_its_generated_secret_once_and_only_a_hint_afterwards()
    {
        IRenderedComponent<WebhooksPage> page = Render<WebhooksPage>();
        await Input(page, "name").ChangeAsync(new ChangeEventArgs { Value = "Phone" });
        await Input(page, "url").ChangeAsync(new ChangeEventArgs { Value = "https://ntfy.example.com/camstudio-alerts-x7" });
        await page.Find("form").SubmitAsync();

        string secret = page.WaitForElement("[data-testid='new-secret'] code").TextContent;
        secret.Should().StartWith("whsec_");
        page.WaitForElement("[data-testid='webhooks'] tbody tr").TextContent.Should().Contain("Phone").And.Contain("••••" + secret[^4..]);
        page.Find("[data-testid='webhooks']").TextContent.Should().NotContain(secret);

        IRenderedComponent<WebhooksPage> later = Render<WebhooksPage>();
        later.WaitForElement("[data-testid='webhooks'] tbody tr");
        later.Markup.Should().NotContain(secret).And.NotContain(secret[..12]);
        later.FindAll("[data-testid='new-secret']").Should().BeEmpty();
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<WebhooksPage> page, string field) => page.Find($"input[data-field='{field}']");

    private static string? Error(IRenderedComponent<WebhooksPage> page, string field) =>
        Input(page, field).Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();
}
