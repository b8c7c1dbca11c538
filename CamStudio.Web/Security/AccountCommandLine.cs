using CamStudio.Core;
using CamStudio.Core.Accounts;
using CamStudio.Core.Data;
using Microsoft.Extensions.Logging.Console;

namespace CamStudio.Web.Security;

/// <summary>
/// Account commands that run against the same configuration and data directory as the server, then exit:
/// <code>
/// CamStudio.Web users add --username &lt;u&gt; --role Admin|Viewer --password-stdin
/// CamStudio.Web tokens create --username &lt;u&gt; --name &lt;label&gt; [--expires-in-days &lt;n&gt;]     (prints only the token on stdout)
/// </code>
/// Any other argument (e.g. <c>--DataDirectory /var/lib/camstudio</c>) is configuration, as for the server. Logs go
/// to stderr so stdout carries only the result.
/// </summary>
public static class AccountCommandLine
{
    private const int UsageExitCode = 2;
    private const int FailedExitCode = 1;

    /// <summary>Any "users …" or "tokens …" invocation is a command: a typo prints the usage instead of starting the server.</summary>
    public static bool IsCommand(string[] args) =>
        args is ["users", ..] or ["tokens", ..];

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Dictionary<string, string?> options = [];
        List<string> configuration = [];
        if (args is not (["users", "add", ..] or ["tokens", "create", ..]) || !TryParse(args, out options, out configuration))
        {
            await error.WriteLineAsync(Usage);
            return UsageExitCode;
        }

        WebApplicationBuilder builder = WebApplication.CreateBuilder([.. configuration]);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>("Microsoft", LogLevel.Warning);
        builder.Services.AddCamStudioCore(builder.Configuration);
        await using WebApplication app = builder.Build();
        await ActivatorUtilities.CreateInstance<DatabaseMigrationHost>(app.Services).StartAsync(CancellationToken.None);

        string userName = options.GetValueOrDefault("--username") ?? string.Empty;
        if (args[0] == "users")
        {
            string? password = options.ContainsKey("--password-stdin") ? await input.ReadLineAsync() : null;
            if (password is null || options.GetValueOrDefault("--role") is not { } role)
            {
                await error.WriteLineAsync(Usage);
                return UsageExitCode;
            }

            AccountResult result = await app.Services.GetRequiredService<UserAccountService>()
                .CreateAsync(userName, password, role, CancellationToken.None);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync("users add: " + string.Join(" ", result.Errors));
                return FailedExitCode;
            }

            await error.WriteLineAsync($"users add: created {userName.Trim()} ({CamStudioRoles.Normalize(role)})");
            return 0;
        }

        if (options.GetValueOrDefault("--name") is not { Length: > 0 } name)
        {
            await error.WriteLineAsync(Usage);
            return UsageExitCode;
        }

        TimeSpan? lifetime = null;
        if (options.GetValueOrDefault("--expires-in-days") is { } daysText)
        {
            if (!int.TryParse(daysText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int days)
                || days < 1 || days > ApiTokenService.MaxLifetime.TotalDays)
            {
                await error.WriteLineAsync(
                    $"tokens create: --expires-in-days is a whole number of days from 1 to {ApiTokenService.MaxLifetime.TotalDays:0}");
                return UsageExitCode;
            }

            lifetime = TimeSpan.FromDays(days);
        }

        if (await app.Services.GetRequiredService<UserAccountService>().FindIdByNameAsync(userName, CancellationToken.None) is not { } userId)
        {
            await error.WriteLineAsync($"tokens create: no user named \"{userName}\"");
            return FailedExitCode;
        }

        CreatedApiToken token = await app.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(userId, name, CancellationToken.None, lifetime);
        await output.WriteLineAsync(token.Token);
        return 0;
    }

    private const string Usage =
        "usage: CamStudio.Web users add --username <u> --role Admin|Viewer --password-stdin\n" +
        "       CamStudio.Web tokens create --username <u> --name <label> [--expires-in-days <n>]";

    private static bool TryParse(string[] args, out Dictionary<string, string?> options, out List<string> configuration)
    {
        options = new Dictionary<string, string?>(StringComparer.Ordinal);
        configuration = [];
        for (int i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--password-stdin":
                    options[args[i]] = null;
                    break;
                case "--username" or "--role" or "--name" or "--expires-in-days":
                    if (i + 1 >= args.Length)
                    {
                        return false;
                    }

                    options[args[i]] = args[++i];
                    break;
                default:
                    configuration.Add(args[i]);
                    break;
            }
        }

        return options.ContainsKey("--username");
    }
}
