using System.Security.Cryptography;
using CamStudio.Core;
using CamStudio.Core.Cameras;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Operations;

/// <summary>
/// Check mode (<c>--Operations:VerifyData=true</c>) used by scripts/restore.sh: after the database is migrated, decrypt
/// every stored camera password with the key ring in the data directory, print one summary line, set the exit code
/// (0 = every password readable, 3 = some are not) and stop the app. Passwords are decrypted and dropped, never printed.
/// Runs once the host has started: stopping the app from inside StartAsync would cancel Kestrel's bind and crash.
/// </summary>
internal sealed partial class DataVerificationHost(
    ICameraStore cameras,
    IOptions<CamStudioDataOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DataVerificationHost> logger) : BackgroundService
{
    public const string ConfigurationKey = "Operations:VerifyData";
    public const int UnreadableExitCode = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        try
        {
            await VerifyAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogVerifyFailed(logger, ex);
            await Console.Out.WriteLineAsync($"verify-data: FAILED: {ex.GetType().Name}: {ex.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task VerifyAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> all = await cameras.ListAsync(cancellationToken);
        int withPassword = 0;
        List<int> unreadable = [];
        foreach (CameraResponse camera in all.Where(c => c.HasPassword))
        {
            withPassword++;
            try
            {
                _ = await cameras.GetStreamSourceAsync(camera.CameraId, cancellationToken);
            }
            catch (CryptographicException)
            {
                unreadable.Add(camera.CameraId);
            }
        }

        string keys = options.Value.KeysDirectory;
        int keyFiles = Directory.Exists(keys) ? Directory.GetFiles(keys, "*.xml").Length : 0;
        string summary = unreadable.Count == 0
            ? $"verify-data: OK: {all.Count} camera(s), {withPassword} stored password(s) decrypted with the key ring in {keys} ({keyFiles} key file(s))"
            : $"verify-data: FAILED: {unreadable.Count} of {withPassword} stored password(s) cannot be decrypted with the key ring in {keys} " +
              $"(camera ids {string.Join(", ", unreadable)}): the key ring does not belong to this database";
        await Console.Out.WriteLineAsync(summary.AsMemory(), cancellationToken);
        LogVerified(logger, summary);
        Environment.ExitCode = unreadable.Count == 0 ? 0 : UnreadableExitCode;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void LogVerified(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Data verification failed")]
    private static partial void LogVerifyFailed(ILogger logger, Exception exception);
}
