using System.Diagnostics;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// The app's account command line (<c>dotnet CamStudio.Web.dll users add|tokens create</c>) run as a real process on a
/// data directory, the way scripts and benchmarks use it.
/// </summary>
public static class AccountCli
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs one command; stdout and stderr are kept apart (stdout must carry only the result).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dataDirectory, IEnumerable<string> arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(WebAppBuild.Dll)!,
        };
        start.ArgumentList.Add(WebAppBuild.Dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--DataDirectory");
        start.ArgumentList.Add(dataDirectory);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the command did not exit within {s_timeout} (did it start serving?): {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Creates an Admin named <paramref name="userName"/> and returns a new API token of theirs.</summary>
    public static async Task<string> CreateAdminTokenAsync(string dataDirectory, string userName = "script-admin")
    {
        (int added, _, string addErr) = await RunAsync(dataDirectory,
            ["users", "add", "--username", userName, "--role", "Admin", "--password-stdin"], "script admin password\n");
        added.Should().Be(0, addErr);
        (int created, string token, string createErr) = await RunAsync(dataDirectory, ["tokens", "create", "--username", userName, "--name", "tests"]);
        created.Should().Be(0, createErr);
        return token.Trim();
    }
}
