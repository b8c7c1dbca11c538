using System.Net;
using CamStudio.Core.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Security;

/// <summary>First run, the sign-in form, lockout, antiforgery, the cookie's settings and sign-out, over real HTTP.</summary>
public sealed class SignInTests
{
    private static Dictionary<string, string> Credentials(string user, string password) =>
        new() { ["username"] = user, ["password"] = password };

    [Fact]
    public async Task First_run_sends_every_page_to_setup_which_creates_the_admin_once()
    {
        await using var app = new CamStudioAppFactory(seedAdmin: false);
        using BrowserSession browser = BrowserSession.Create(app);

        foreach (string page in new[] { "/", "/cameras", "/status", "/account/login" })
        {
            using HttpResponseMessage response = await browser.Client.GetAsync(page);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, page);
            BrowserSession.LocationOf(response).Should().Be("/account/setup", page);
        }

        using (HttpResponseMessage api = await browser.Client.GetAsync("/api/cameras"))
        {
            api.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the API never redirects, not even on first run");
        }

        using (HttpResponseMessage weak = await browser.SubmitFormAsync("/account/setup", Credentials("owner", "short")))
        {
            (await weak.Content.ReadAsStringAsync()).Should().Contain("Passwords must be at least 10 characters");
        }

        (await app.Services.GetRequiredService<UserAccountService>().ListAsync(CancellationToken.None)).Should().BeEmpty();

        using (HttpResponseMessage created = await browser.SubmitFormAsync("/account/setup", Credentials("owner", "a long enough password")))
        {
            created.StatusCode.Should().Be(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
            BrowserSession.LocationOf(created).Should().Be("/");
        }

        IReadOnlyList<UserSummary> users = await app.Services.GetRequiredService<UserAccountService>().ListAsync(CancellationToken.None);
        users.Should().ContainSingle().Which.Should().Match<UserSummary>(u => u.UserName == "owner" && u.Role == CamStudioRoles.Admin);
        (await browser.Client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK, "set-up signs the admin in");

        using BrowserSession other = BrowserSession.Create(app);
        using HttpResponseMessage again = await other.Client.GetAsync("/account/setup");
        again.StatusCode.Should().Be(HttpStatusCode.Redirect, "set-up is closed once an account exists");
        BrowserSession.LocationOf(again).Should().Be("/account/login");
    }

    [Fact]
    public async Task Sign_in_form_sets_a_secure_cookie_and_opens_the_pages_and_the_api()
    {
        await using var app = new CamStudioAppFactory();
        using BrowserSession browser = BrowserSession.Create(app);

        using (HttpResponseMessage anonymous = await browser.Client.GetAsync("/cameras"))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Redirect);
            anonymous.Headers.Location!.ToString().Should().Contain("/account/login?ReturnUrl=%2Fcameras");
        }

        string form = await browser.Client.GetStringAsync("/account/login");
        form.Should().Contain("name=\"username\"").And.Contain("name=\"password\"").And.Contain(">Sign in</button>")
            .And.Contain("__RequestVerificationToken");

        using HttpResponseMessage signedIn = await browser.SubmitFormAsync("/account/login?ReturnUrl=%2Fcameras",
            Credentials(TestAccounts.AdminName, TestAccounts.AdminPassword));
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        BrowserSession.LocationOf(signedIn).Should().Be("/cameras");
        string cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CamStudio.Auth=", StringComparison.Ordinal));
        cookie.Should().Contain("httponly").And.Contain("samesite=lax");

        (await browser.Client.GetAsync("/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await browser.Client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK, "the browser player calls the API with the cookie");
    }

    [Fact]
    public async Task Open_redirects_are_refused_after_sign_in()
    {
        await using var app = new CamStudioAppFactory();
        using BrowserSession browser = BrowserSession.Create(app);

        using HttpResponseMessage signedIn = await browser.SubmitFormAsync("/account/login?ReturnUrl=https%3A%2F%2Fevil.example%2F",
            Credentials(TestAccounts.AdminName, TestAccounts.AdminPassword));

        BrowserSession.LocationOf(signedIn).Should().Be("/");
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_after_five_attempts()
    {
        await using var app = new CamStudioAppFactory();
        using BrowserSession browser = BrowserSession.Create(app);

        for (int attempt = 0; attempt < 5; attempt++)
        {
            using HttpResponseMessage wrong = await browser.SignInAsync(TestAccounts.AdminName, "not the password " + attempt);
            wrong.StatusCode.Should().Be(HttpStatusCode.OK);
            string body = await wrong.Content.ReadAsStringAsync();
            body.Should().Contain(attempt < 4 ? "Wrong user name or password." : "locked");
        }

        using HttpResponseMessage right = await browser.SignInAsync(TestAccounts.AdminName, TestAccounts.AdminPassword);
        right.StatusCode.Should().Be(HttpStatusCode.OK, "a locked account stays locked even with the right password");
        (await right.Content.ReadAsStringAsync()).Should().Contain("locked");

        using HttpResponseMessage unknown = await browser.SignInAsync("nobody", "whatever password");
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("Wrong user name or password.", "unknown users look like wrong passwords");
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_rejected()
    {
        await using var app = new CamStudioAppFactory();
        using BrowserSession browser = BrowserSession.Create(app);

        using HttpResponseMessage response = await browser.SubmitFormAsync("/account/login",
            Credentials(TestAccounts.AdminName, TestAccounts.AdminPassword), withAntiforgery: false);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_needs_the_antiforgery_token()
    {
        await using var app = new CamStudioAppFactory();
        using BrowserSession browser = BrowserSession.Create(app);
        (await browser.SignInAsync(TestAccounts.AdminName, TestAccounts.AdminPassword)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        using (HttpResponseMessage forged = await browser.Client.PostAsync("/account/logout", new FormUrlEncodedContent([])))
        {
            forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a cross-site form cannot sign the user out");
        }

        (await browser.Client.GetAsync("/status")).StatusCode.Should().Be(HttpStatusCode.OK, "the forged post changed nothing");

        // The menu's sign-out form, as the browser submits it.
        using (HttpResponseMessage signedOut = await browser.SubmitFormAsync("/status", new Dictionary<string, string>(), action: "/account/logout"))
        {
            signedOut.StatusCode.Should().Be(HttpStatusCode.Redirect, await signedOut.Content.ReadAsStringAsync());
            BrowserSession.LocationOf(signedOut).Should().Be("/account/login");
        }

        using HttpResponseMessage after = await browser.Client.GetAsync("/status");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().Should().Contain("/account/login");
    }
}
