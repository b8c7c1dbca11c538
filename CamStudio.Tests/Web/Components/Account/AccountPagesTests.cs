using System.Security.Claims;
using Bunit;
using CamStudio.Core.Accounts;
using CamStudio.Web.Components.Account;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Account;

/// <summary>What a Viewer sees of the camera list, and the API tokens page against the real token store.</summary>
public sealed class AccountPagesTests : UiTestContext
{
    [Fact]
    public async Task A_viewer_gets_no_add_edit_or_delete_controls_an_admin_does()
    {
        await CreateCameraAsync("Porch");
        Authorization.SetRoles(CamStudioRoles.Viewer);
        IRenderedComponent<CamerasPage> viewer = Render<CamerasPage>();
        viewer.WaitForElements("tbody tr", 1);
        viewer.FindAll("[aria-label='Delete Porch'], [aria-label='Edit Porch']").Should().BeEmpty();
        viewer.Markup.Should().NotContain("Add a camera");

        Authorization.SetRoles(CamStudioRoles.Admin);
        IRenderedComponent<CamerasPage> admin = Render<CamerasPage>();
        admin.WaitForElements("tbody tr", 1);
        admin.FindAll("[aria-label='Delete Porch']").Should().ContainSingle();
    }

    [Fact]
    public async Task Tokens_page_shows_a_new_token_once_and_revokes_it()
    {
        string userId = await SignInNewUserAsync("pat", CamStudioRoles.Viewer);
        ApiTokenService tokens = Services.GetRequiredService<ApiTokenService>();

        IRenderedComponent<ApiTokensPage> page = Render<ApiTokensPage>();
        await page.Find("input[data-testid='token-name']").ChangeAsync(new ChangeEventArgs { Value = "WHEP player" });
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Create token").ClickAsync(new MouseEventArgs());

        string shown = page.WaitForElement("[data-testid='new-token'] code").TextContent;
        (await tokens.FindUserIdAsync(shown, CancellationToken.None)).Should().Be(userId, "the page shows the real token of the signed-in user");
        page.WaitForElements("tbody tr", 1);
        page.Find("tbody").TextContent.Should().Contain("WHEP player").And.NotContain(shown, "the list shows only a hint");
        DateTime expires = (await tokens.ListAsync(userId, CancellationToken.None)).Single().ExpiresAt!.Value;
        expires.Should().BeCloseTo(DateTime.UtcNow.AddDays(90), TimeSpan.FromMinutes(1), "a new token expires in 90 days unless the operator picks otherwise");
        page.Find("[data-testid='token-expires']").TextContent.Trim().Should().Be(
            expires.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        page.Find("[data-testid='token-last-used']").TextContent.Trim().Should().Be("Never used");

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => page.Markup.Should().Contain("No tokens yet.").And.NotContain(shown));
        (await tokens.FindUserIdAsync(shown, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Users_page_adds_a_viewer_and_offers_no_delete_for_the_signed_in_admin()
    {
        await SignInNewUserAsync("root", CamStudioRoles.Admin);
        UserAccountService accounts = Services.GetRequiredService<UserAccountService>();

        IRenderedComponent<UsersPage> page = Render<UsersPage>();
        page.WaitForElements("tbody tr", 1);
        await page.Find("input[data-testid='new-username']").ChangeAsync(new ChangeEventArgs { Value = "guest" });
        await page.Find("input[data-testid='new-password']").ChangeAsync(new ChangeEventArgs { Value = "guest's long password" });
        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Add user").ClickAsync(new MouseEventArgs());

        page.WaitForElements("tbody tr", 2);
        (await accounts.ListAsync(CancellationToken.None)).Should().Contain(u => u.UserName == "guest" && u.Role == CamStudioRoles.Viewer);
        page.FindAll("[aria-label='Delete root']").Should().BeEmpty("nobody deletes their own account");
        page.FindAll("[aria-label='Delete guest']").Should().ContainSingle();
    }
}
