using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CamStudio.Core.Accounts;
using CamStudio.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Security;

/// <summary>
/// The real CamStudio.Web.dll as a process: <c>users add</c> and <c>tokens create</c> work on the data directory and
/// exit without serving; the printed token (alone on stdout) then opens the API of an app on the same data.
/// </summary>
public sealed class AccountCommandLineTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "camstudio-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Users_add_then_tokens_create_prints_a_token_that_opens_the_api()
    {
        (int added, string addOut, string addErr) = await RunAsync(
            ["users", "add", "--username", "bench", "--role", "viewer", "--password-stdin"], "bench password from stdin\n");
        added.Should().Be(0, addErr);
        addOut.Should().BeEmpty("only tokens create prints to stdout");

        (int created, string token, string createErr) = await RunAsync(
            ["tokens", "create", "--username", "bench", "--name", "benchmarks", "--expires-in-days", "7"]);
        created.Should().Be(0, createErr);
        token.Should().MatchRegex("^cst_[A-Za-z0-9_-]{43}\n$", "the token alone on stdout, nothing else");

        await using var app = new CamStudioAppFactory(dataDirectory: _data, seedAdmin: false);
        IReadOnlyList<UserSummary> users = await app.Services.GetRequiredService<UserAccountService>().ListAsync(CancellationToken.None);
        users.Should().ContainSingle().Which.Role.Should().Be(CamStudioRoles.Viewer);
        ApiTokenInfo listed = (await app.Services.GetRequiredService<ApiTokenService>()
            .ListAsync(users[0].Id, CancellationToken.None)).Should().ContainSingle().Subject;
        listed.ExpiresAt.Should().Be(listed.CreatedAt.AddDays(7));
        using HttpClient client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        (await client.GetAsync("/api/cameras")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostAsync("/api/cameras/create", new StringContent("{}", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "the token carries the Viewer role");
    }

    [Fact]
    public async Task Bad_input_fails_with_a_message_and_no_output()
    {
        (int weak, string weakOut, string weakErr) = await RunAsync(
            ["users", "add", "--username", "x", "--role", "Admin", "--password-stdin"], "short\n");
        weak.Should().Be(1);
        weakErr.Should().Contain("at least 10 characters");
        weakOut.Should().BeEmpty();

        (int role, _, string roleErr) = await RunAsync(["users", "add", "--username", "x", "--role", "Root", "--password-stdin"], "long enough password\n");
        role.Should().Be(1);
        roleErr.Should().Contain("Role must be Admin or Viewer");

        (int unknown, string unknownOut, string unknownErr) = await RunAsync(["tokens", "create", "--username", "ghost", "--name", "x"]);
        unknown.Should().Be(1);
        unknownErr.Should().Contain("no user named \"ghost\"");
        unknownOut.Should().BeEmpty();

        (int days, string daysOut, string daysErr) = await RunAsync(
            ["tokens", "create", "--username", "ghost", "--name", "x", "--expires-in-days", "0"]);
        days.Should().Be(2);
        daysErr.Should().Contain("--expires-in-days is a whole number of days from 1 to 3650");
        daysOut.Should().BeEmpty();

        (int usage, _, string usageErr) = await RunAsync(["tokens", "create", "--username"]);
        usage.Should().Be(2);
        usageErr.Should().Contain("usage:");

        (int typo, _, string typoErr) = await RunAsync(["users", "list"]);
        typo.Should().Be(2, "an unknown subcommand prints the usage instead of starting the server");
        typoErr.Should().Contain("usage:");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] arguments, string? stdin = null) =>
        AccountCli.RunAsync(_data, arguments, stdin);
}
