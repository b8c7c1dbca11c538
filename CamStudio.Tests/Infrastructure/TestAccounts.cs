using System.Net.Http.Headers;
using CamStudio.Core.Accounts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Every in-memory app in the tests gets a real Admin account (created through Identity's UserManager) and a real API
/// token (ApiTokenService) when it starts, right after the database migration; clients send that token. No fake
/// authentication handler: the requests go through the same schemes and policies as production.
/// </summary>
public static class TestAccounts
{
    public const string AdminName = "test-admin";
    public const string AdminPassword = "test-admin-password";

    /// <summary>Registers the seeding hosted service (after Program's, so after <c>DatabaseMigrationHost</c>).</summary>
    public static IServiceCollection AddTestAdmin(this IServiceCollection services)
    {
        services.AddSingleton<TestCredentials>();
        services.AddHostedService<TestAdminSeeder>();
        return services;
    }

    /// <summary>The seeded admin's token from the running app.</summary>
    public static string AdminToken(IServiceProvider services) => services.GetRequiredService<TestCredentials>().AdminToken;

    /// <summary>Sends the seeded admin's token on every request of <paramref name="client"/>.</summary>
    public static void Authorize(HttpClient client, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken(services));
    }

    /// <summary>A WebSocket client of the in-memory server that sends the seeded admin's token.</summary>
    public static WebSocketClient CreateAuthorizedWebSocketClient(TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        WebSocketClient client = server.CreateWebSocketClient();
        string token = AdminToken(server.Services);
        client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + token;
        return client;
    }

    /// <summary>Creates a user with <paramref name="role"/> and returns a fresh token of theirs.</summary>
    public static async Task<string> CreateUserWithTokenAsync(IServiceProvider services, string userName, string role, string password = "user-password-123")
    {
        UserAccountService accounts = services.GetRequiredService<UserAccountService>();
        AccountResult created = await accounts.CreateAsync(userName, password, role, CancellationToken.None);
        created.Succeeded.Should().BeTrue(string.Join(" ", created.Errors));
        string id = (await accounts.FindIdByNameAsync(userName, CancellationToken.None))!;
        return (await services.GetRequiredService<ApiTokenService>().CreateAsync(id, "tests", CancellationToken.None)).Token;
    }

    private sealed class TestCredentials
    {
        public string AdminToken { get; set; } = string.Empty;
    }

    private sealed class TestAdminSeeder(UserAccountService accounts, ApiTokenService tokens, TestCredentials credentials) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // A restarted app on the same database finds the admin already there.
            if (await accounts.FindIdByNameAsync(AdminName, cancellationToken) is null)
            {
                AccountResult created = await accounts.CreateAsync(AdminName, AdminPassword, CamStudioRoles.Admin, cancellationToken);
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException("Seeding the test admin failed: " + string.Join(" ", created.Errors));
                }
            }

            string id = (await accounts.FindIdByNameAsync(AdminName, cancellationToken))!;
            credentials.AdminToken = (await tokens.CreateAsync(id, "test suite", cancellationToken)).Token;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
