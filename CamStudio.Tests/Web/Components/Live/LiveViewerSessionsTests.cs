using System.Security.Claims;
using CamStudio.Core.Accounts;
using CamStudio.Core.Cameras;
using CamStudio.Web.Components.Live;
using CamStudio.Web.Security;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Live;

/// <summary>
/// The live tiles' offers over the Blazor circuit obey the same limits as the REST offer endpoints (SDP size, the
/// per-user cap on open viewer sessions) and answer with a reason the player can act on, never an exception.
/// </summary>
public sealed class LiveViewerSessionsTests : UiTestContext
{
    private const string UserId = "user-7";

    public LiveViewerSessionsTests()
    {
        Services.Configure<SecurityOptions>(options =>
        {
            options.MaxViewerSessionsPerUser = 1;
            options.OffersPerMinute = 3;
        });
        Authorization.SetRoles(CamStudioRoles.Viewer);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
    }

    private LiveViewerSessions Sessions => Services.GetRequiredService<LiveViewerSessions>();

    [Fact]
    public async Task An_offer_larger_than_the_api_limit_is_refused_without_retry()
    {
        CameraResponse camera = await CreateCameraAsync("Cam");
        string huge = "v=0\r\n" + new string('a', ViewerOfferService.MaxSdpBytes);

        LiveOfferResult result = await Sessions.OfferAsync(new object(), camera.CameraId, "stream2", huge, CancellationToken.None);

        result.Reason.Should().Be("sdp_too_large");
        result.Retryable.Should().BeFalse();
        result.Error.Should().Contain("limited to");
    }

    [Fact]
    public async Task A_user_at_the_viewer_cap_gets_a_retryable_viewer_limit_answer()
    {
        CameraResponse camera = await CreateCameraAsync("Cam");
        using IDisposable? otherTab = Services.GetRequiredService<ViewerSessionLimiter>().TryAcquire(UserId);
        otherTab.Should().NotBeNull();

        LiveOfferResult result = await Sessions.OfferAsync(new object(), camera.CameraId, "stream2", "v=0\r\n", CancellationToken.None);

        result.Reason.Should().Be("viewer_limit");
        result.Retryable.Should().BeTrue("the other tab may close its session");
        result.Error.Should().Contain("1 open viewer sessions");
    }

    [Fact]
    public async Task Offers_beyond_the_per_minute_budget_get_a_retryable_rate_limited_answer_like_the_rest_endpoint()
    {
        CameraResponse camera = await CreateCameraAsync("Cam");
        for (int i = 0; i < 3; i++)
        {
            LiveOfferResult allowed = await Sessions.OfferAsync(new object(), 999, "stream2", "v=0\r\n", CancellationToken.None);
            allowed.Reason.Should().Be("camera_not_found", "offer {0} is within the budget of 3 per minute", i + 1);
        }

        LiveOfferResult result = await Sessions.OfferAsync(new object(), camera.CameraId, "stream2", "v=0\r\n", CancellationToken.None);

        result.Reason.Should().Be("rate_limited");
        result.Retryable.Should().BeTrue("the player backs off and tries again");
        result.Error.Should().MatchRegex(@"try again in \d+ s");
        Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(UserId).Should().Be(0);
    }

    [Fact]
    public async Task An_unknown_camera_is_not_found_and_the_cap_slot_is_given_back()
    {
        LiveOfferResult result = await Sessions.OfferAsync(new object(), 999, "stream2", "v=0\r\n", CancellationToken.None);

        result.Reason.Should().Be("camera_not_found");
        Services.GetRequiredService<ViewerSessionLimiter>().OpenSessions(UserId).Should().Be(0);
    }
}
