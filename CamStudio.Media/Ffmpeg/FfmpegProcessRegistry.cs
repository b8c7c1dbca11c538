using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Every live FFmpeg child, so that none outlives the app: <see cref="KillAll"/> runs on host shutdown
/// (<see cref="IHostedService.StopAsync"/>), on <see cref="AppDomain.ProcessExit"/> and on dispose.
/// Holds <see cref="Process"/> objects rather than bare PIDs: killing a remembered PID after the child exited could hit
/// an unrelated process that reused the number; <see cref="Process.Kill(bool)"/> on an exited Process does nothing.
/// </summary>
public sealed class FfmpegProcessRegistry : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<Process> _live = [];
    private readonly ILogger _logger;
    private bool _closed;

    public FfmpegProcessRegistry(ILogger<FfmpegProcessRegistry>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>PIDs of the children currently tracked.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_lock)
            {
                return _live.Select(p => p.Id).ToArray();
            }
        }
    }

    /// <summary>Tracks <paramref name="process"/>; false once the registry has shut down (the caller must kill it).</summary>
    public bool Register(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _live.Add(process);
            return true;
        }
    }

    public void Unregister(Process process)
    {
        lock (_lock)
        {
            _live.Remove(process);
        }
    }

    /// <summary>Kills every tracked FFmpeg (whole process tree) and refuses new registrations.</summary>
    public void KillAll()
    {
        Process[] victims;
        lock (_lock)
        {
            _closed = true;
            victims = [.. _live];
            _live.Clear();
        }

        if (victims.Length > 0)
        {
            FfmpegLog.KillingAll(_logger, victims.Length);
        }

        // Kill outside the lock: it is a system call per process and the lock is for short sections only.
        foreach (Process process in victims)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                FfmpegLog.KillFailed(_logger, SafeId(process), ex.Message);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        KillAll();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillAll();
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private static int SafeId(Process process)
    {
        try
        {
            return process.Id;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
