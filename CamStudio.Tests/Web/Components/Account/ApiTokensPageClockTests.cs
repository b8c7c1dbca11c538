using System.Security.Claims;
using Bunit;
using CamStudio.Core.Accounts;
using CamStudio.Web.Components.Account;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Account;

/// <summary>The tokens page says "Expired" by the same clock the token store checks, not by the machine's.</summary>
public sealed class ApiTokensPageClockTests : UiTestContext
{
    private readonly ManualTimeProvider _clock;

    public ApiTokensPageClockTests()
        : this(new ManualTimeProvider()) // 2026-01-01: a fixed date, so the page's 'now' is not the machine's
    {
    }

    private ApiTokensPageClockTests(ManualTimeProvider clock)
        : base(clock) => _clock = clock;

    [Fact]
    public async Task A_token_shows_expired_once_the_servers_clock_passes_its_expiry()
    {
        string userId = await SignInNewUserAsync("kim", CamStudioRoles.Viewer);
        await Services.GetRequiredService<ApiTokenService>().CreateAsync(userId, "monthly", CancellationToken.None, TimeSpan.FromDays(30));

        IRenderedComponent<ApiTokensPage> page = Render<ApiTokensPage>();
        page.WaitForElements("tbody tr", 1);
        page.Find("[data-testid='token-expires']").TextContent.Should().Contain("2026-01-31").And.NotContain("Expired");

        _clock.Advance(TimeSpan.FromDays(31));
        IRenderedComponent<ApiTokensPage> later = Render<ApiTokensPage>();
        later.WaitForElements("tbody tr", 1);
        later.Find("[data-testid='token-expires']").TextContent.Should().Contain("Expired 2026-01-31");
    }
}
