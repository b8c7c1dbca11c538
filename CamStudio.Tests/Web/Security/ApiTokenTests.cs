using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Security;

/// <summary>Bearer API tokens: 401 problem+json without them, per-role 403, hashed storage, revocation.</summary>
public sealed class ApiTokenTests
{
    [Fact]
    public async Task Api_without_credentials_is_401_problem_json_never_a_login_redirect()
    {
        await using var app = new CamStudioAppFactory();
        using HttpClient anonymous = Anonymous(app);

        foreach (string path in new[] { "/api/cameras", "/api/cameras/1", "/api/cameras/status/all", "/metrics", "/openapi/v1.json" })
        {
            using HttpResponseMessage response = await anonymous.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer", path);
            if (path.StartsWith("/api", StringComparison.Ordinal))
            {
                response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", path);
            }
        }

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cst_not-a-real-token");
        (await anonymous.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Viewer_token_reads_but_gets_403_problem_json_on_camera_changes()
    {
        await using var app = new CamStudioAppFactory();
        using HttpClient admin = app.CreateClient();
        using HttpResponseMessage created = await admin.PostAsJsonAsync("/api/cameras/create", new { name = "Porch", ip_address = "10.0.0.5" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        string viewerToken = await TestAccounts.CreateUserWithTokenAsync(app.Services, "viewer", CamStudioRoles.Viewer);
        using HttpClient viewer = Anonymous(app);
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerToken);

        (await viewer.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetAsync("/api/cameras/1/status")).StatusCode.Should().Be(HttpStatusCode.OK);
        HttpResponseMessage[] changes =
        [
            await viewer.PostAsJsonAsync("/api/cameras/create", new { name = "Sneaky", ip_address = "10.0.0.6" }),
            await viewer.PutAsJsonAsync("/api/cameras/1", new { name = "Renamed" }),
            await viewer.DeleteAsync("/api/cameras/1"),
        ];
        foreach (HttpResponseMessage response in changes)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
            response.Dispose();
        }

        (await admin.GetFromJsonAsync<JsonElement>("/api/cameras/1")).GetProperty("name").GetString().Should().Be("Porch");
    }

    [Fact]
    public async Task Tokens_are_stored_as_sha256_only_and_stop_working_when_revoked()
    {
        await using var app = new CamStudioAppFactory();
        ApiTokenService tokens = app.Services.GetRequiredService<ApiTokenService>();
        UserAccountService accounts = app.Services.GetRequiredService<UserAccountService>();
        string userId = (await accounts.FindIdByNameAsync(TestAccounts.AdminName, CancellationToken.None))!;

        CreatedApiToken token = await tokens.CreateAsync(userId, "backup script", CancellationToken.None);

        token.Token.Should().MatchRegex("^cst_[A-Za-z0-9_-]{43}$", "cst_ + 32 random bytes in base64url");
        await using (CamStudioDbContext db = await app.Services.GetRequiredService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync())
        {
            ApiToken row = await db.ApiTokens.SingleAsync(t => t.Id == token.Info.Id);
            row.Hash.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Token))));
            (await db.ApiTokens.AnyAsync(t => t.Hash.Contains(token.Token.Substring(8)) || t.Name.Contains(token.Token.Substring(8))))
                .Should().BeFalse("the secret itself is stored nowhere");
        }

        using HttpClient client = Anonymous(app);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        string hint = token.Token[..8] + "…";
        (await tokens.ListAsync(userId, CancellationToken.None)).Should().Contain(t => t.Name == "backup script" && t.Hint == hint);

        (await tokens.RevokeAsync("someone-else", token.Info.Id, CancellationToken.None)).Should().BeFalse("only the owner revokes");
        (await tokens.RevokeAsync(userId, token.Info.Id, CancellationToken.None)).Should().BeTrue();

        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires_and_its_last_use_is_recorded_to_the_minute()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new CamStudioAppFactory(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        ApiTokenService tokens = app.Services.GetRequiredService<ApiTokenService>();
        string userId = (await app.Services.GetRequiredService<UserAccountService>().FindIdByNameAsync(TestAccounts.AdminName, CancellationToken.None))!;
        CreatedApiToken token = await tokens.CreateAsync(userId, "nightly export", CancellationToken.None, TimeSpan.FromDays(30));
        token.Info.ExpiresAt.Should().Be(token.Info.CreatedAt.AddDays(30));
        token.Info.LastUsedAt.Should().BeNull();
        using HttpClient client = Anonymous(app);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        DateTime firstUse = clock.GetUtcNow().UtcDateTime;
        (await Listed()).LastUsedAt.Should().BeCloseTo(firstUse, TimeSpan.FromMilliseconds(1));

        clock.Advance(TimeSpan.FromSeconds(30));
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Listed()).LastUsedAt.Should().BeCloseTo(firstUse, TimeSpan.FromMilliseconds(1), "written at most once a minute");
        clock.Advance(TimeSpan.FromSeconds(31));
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Listed()).LastUsedAt.Should().BeCloseTo(clock.GetUtcNow().UtcDateTime, TimeSpan.FromMilliseconds(1));

        clock.Advance(TimeSpan.FromDays(30));
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "30 days have passed");
        (await Listed()).IsExpiredAt(clock.GetUtcNow().UtcDateTime).Should().BeTrue("the list says so, so the owner knows why");

        await FluentActions.Awaiting(() => tokens.CreateAsync(userId, "forever and a day", CancellationToken.None, TimeSpan.FromDays(4000)))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*at most 3650 days*");
        await FluentActions.Awaiting(() => tokens.CreateAsync(userId, "already gone", CancellationToken.None, TimeSpan.Zero))
            .Should().ThrowAsync<ArgumentException>();

        async Task<ApiTokenInfo> Listed() => (await tokens.ListAsync(userId, CancellationToken.None)).Single(t => t.Id == token.Info.Id);
    }

    [Fact]
    public async Task Deleting_a_user_revokes_their_tokens()
    {
        await using var app = new CamStudioAppFactory();
        string token = await TestAccounts.CreateUserWithTokenAsync(app.Services, "leaving", CamStudioRoles.Viewer);
        UserAccountService accounts = app.Services.GetRequiredService<UserAccountService>();
        string adminId = (await accounts.FindIdByNameAsync(TestAccounts.AdminName, CancellationToken.None))!;
        string userId = (await accounts.FindIdByNameAsync("leaving", CancellationToken.None))!;

        (await accounts.DeleteAsync(adminId, adminId, CancellationToken.None)).Succeeded.Should().BeFalse("nobody deletes themselves");
        (await accounts.DeleteAsync(userId, adminId, CancellationToken.None)).Succeeded.Should().BeTrue();

        using HttpClient client = Anonymous(app);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    // Only the wall clock moves by hand. Unlike Infrastructure's ManualTimeProvider, timers stay real: this clock
    // drives a whole running app, whose notifier, grace periods and DTLS timeouts must keep ticking.
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private static HttpClient Anonymous(CamStudioAppFactory app)
    {
        HttpClient client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }
}
