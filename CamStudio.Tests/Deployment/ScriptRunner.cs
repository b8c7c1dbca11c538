using System.Diagnostics;
using System.Text;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Deployment;

/// <summary>Runs a repository script with bash and extra environment variables; returns exit code and combined output.</summary>
internal static class ScriptRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(RepositoryPaths.Script(script));
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        var lockObject = new Lock();
        Task stdout = PumpAsync(process.StandardOutput, output, lockObject);
        Task stderr = PumpAsync(process.StandardError, output, lockObject);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in time. Output:\n{output}");
        }

        lock (lockObject)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>Runs `bash -n` (parse only).</summary>
    public static async Task<(int ExitCode, string Output)> SyntaxCheckAsync(string script) =>
        await ChildProcess.RunAsync("/bin/bash", ["-n", RepositoryPaths.Script(script)], TimeSpan.FromSeconds(20), CancellationToken.None);

    private static async Task PumpAsync(StreamReader reader, StringBuilder output, Lock lockObject)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lockObject)
            {
                output.Append(line).Append('\n');
            }
        }
    }
}
