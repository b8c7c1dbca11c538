using System.Globalization;
using CamStudio.Media.Ffmpeg;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// A real RTSP camera for tests: scripts/rtsp-test-camera.py (GStreamer RTSP server) on 127.0.0.1 (or
/// <see cref="RtspTestCameraOptions.Host"/>) with two H.264
/// mounts, /stream1 (main) and /stream2 (sub), behind Basic/Digest authentication.
/// <see cref="KillAsync"/> simulates a crash and <see cref="RestartAsync"/> a reboot on the same port.
/// </summary>
public sealed class RtspTestCamera : IAsyncDisposable
{
    /// <summary>Debian's interpreter: a python3 earlier on PATH (pyenv, venv) may lack the gi module.</summary>
    public const string PythonPath = "/usr/bin/python3";

    /// <summary>Path of the main (HD) stream.</summary>
    public const string MainStream = "/stream1";

    /// <summary>Path of the sub (SD) stream.</summary>
    public const string SubStream = "/stream2";

    private const string ReadyPrefix = "READY ";

    private readonly RtspTestCameraOptions _options;
    private ChildProcess? _process;

    private RtspTestCamera(RtspTestCameraOptions options, int port)
    {
        _options = options;
        Port = port;
    }

    /// <summary>TCP port on <see cref="Host"/>.</summary>
    public int Port { get; }

    /// <summary>The address the camera listens on (127.0.0.1 unless the options say otherwise).</summary>
    public string Host => _options.Host;

    /// <summary>User name the camera accepts.</summary>
    public string User => _options.User;

    /// <summary>Password the camera accepts.</summary>
    public string Password => _options.Password;

    /// <summary>True while the camera process runs.</summary>
    public bool IsRunning => _process is { Exited.IsCompleted: false };

    /// <summary>The camera's recent stdout/stderr, for failure messages.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts a camera on a free port and waits until it listens.</summary>
    public static async Task<RtspTestCamera> StartAsync(RtspTestCameraOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var camera = new RtspTestCamera(options, FreePort.Tcp());
        try
        {
            await camera.StartProcessAsync(cancellationToken);
            return camera;
        }
        catch
        {
            await camera.DisposeAsync();
            throw;
        }
    }

    /// <summary>rtsp://user:password@host:port/path with the camera's credentials.</summary>
    public string Url(string path = MainStream) => Url(path, User, Password);

    /// <summary>An URL with other credentials, e.g. wrong ones; null user gives an URL without credentials.</summary>
    public string Url(string path, string? user, string? password)
    {
        string credentials = user is null
            ? ""
            : Uri.EscapeDataString(user) + ":" + Uri.EscapeDataString(password ?? "") + "@";
        return string.Create(CultureInfo.InvariantCulture, $"rtsp://{credentials}{Host}:{Port}{path}");
    }

    /// <summary>The camera as production code sees it: host, port, path and the camera's credentials.</summary>
    public RtspSource Source(string path = MainStream) => new(Host, Port, path, User, Password);

    /// <summary>Kills the camera without warning, like a power cut. The port stops answering.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { } process)
        {
            await process.KillAsync(cancellationToken);
        }
    }

    /// <summary>Kills the camera (if running) and starts it again on the same port, like a reboot.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            await process.DisposeAsync();
            _process = null;
        }

        await StartProcessAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
        }
    }

    /// <summary>The script's arguments for these options (pure, so it can be checked without a process).</summary>
    public static IReadOnlyList<string> BuildArguments(string scriptPath, RtspTestCameraOptions options, int port)
    {
        ArgumentNullException.ThrowIfNull(options);
        CultureInfo c = CultureInfo.InvariantCulture;
        return
        [
            scriptPath,
            "--host", options.Host,
            "--port", port.ToString(c),
            "--user", options.User,
            "--password", options.Password,
            "--auth", options.Authentication.ToString().ToLowerInvariant(),
            "--hd", string.Create(c, $"{options.MainSize.Width}x{options.MainSize.Height}"),
            "--sd", string.Create(c, $"{options.SubSize.Width}x{options.SubSize.Height}"),
            "--fps", options.FramesPerSecond.ToString(c),
            "--gop-seconds", options.GopSeconds.ToString(c),
            "--bitrate", options.BitrateKbps.ToString(c),
            "--profile", options.Profile,
            "--pattern", options.Pattern.ToString().ToLowerInvariant(),
            "--codec", options.Codec.ToString().ToLowerInvariant(),
            "--audio", options.Audio.ToString().ToLowerInvariant(),
            .. (options.SubCodec is { } sub ? (string[])["--sd-codec", sub.ToString().ToLowerInvariant()] : []),
            .. (options.KeyframeOnPlay ? (string[])["--keyframe-on-play"] : []),
        ];
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PythonPath))
        {
            throw new InvalidOperationException(
                $"{PythonPath} is missing: install the test dependencies with scripts/install-deps.sh test (scripts/test.sh does it).");
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ChildProcess process = ChildProcess.Start(
            PythonPath,
            BuildArguments(RepositoryPaths.Script("rtsp-test-camera.py"), _options, Port),
            line =>
            {
                if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            });
        _process = process;

        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task timeout = Task.Delay(_options.StartTimeout, stopWaiting.Token);
        Task finished = await Task.WhenAny(ready.Task, process.Exited, timeout);
        await stopWaiting.CancelAsync();
        if (finished == ready.Task)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string why = process.Exited.IsCompleted
            ? "exited with code " + (await process.Exited).ToString(CultureInfo.InvariantCulture)
            : "printed no READY line within " + _options.StartTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s";
        throw new InvalidOperationException(
            $"RTSP test camera on port {Port.ToString(CultureInfo.InvariantCulture)} {why}. Output:\n{process.Output}");
    }
}
