using System.ComponentModel;
using System.Globalization;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.Snapshots;

/// <summary>
/// One JPEG of a camera: the running stream's last key frame decoded by one short FFmpeg, else a short grab from the
/// camera itself. Each camera and quality has one snapshot (or failure) for <see cref="SnapshotOptions.CacheDuration"/>;
/// requests in that window, and requests while it is being taken, share it, so a dashboard polling every second costs
/// one decode per window, not one per request.
/// </summary>
public sealed partial class SnapshotService : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CameraStreamHost _streams;
    private readonly ICameraFeedLookup _feeds;
    private readonly FfmpegProcessRegistry _registry;
    private readonly SnapshotOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SnapshotService> _logger;

    public SnapshotService(CameraStreamHost streams, ICameraFeedLookup feeds, FfmpegProcessRegistry registry,
        IOptions<SnapshotOptions> options, TimeProvider time, ILogger<SnapshotService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _streams = streams ?? throw new ArgumentNullException(nameof(streams));
        _feeds = feeds ?? throw new ArgumentNullException(nameof(feeds));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Raised once per new picture (not per request served from the cache), on the thread that took it. The app keeps
    /// it as the camera's poster. A handler must be quick and must not throw.
    /// </summary>
    public event Action<Snapshot>? Taken;

    /// <summary>
    /// The snapshot of <paramref name="cameraId"/> in <paramref name="quality"/> (the camera's own setting when null).
    /// Never throws for a camera problem: that is a <see cref="SnapshotFailure.Unavailable"/> result with its reason.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the shared snapshot goes on for the others).</exception>
    public async Task<SnapshotResult> GetAsync(int cameraId, StreamVariant? quality, CancellationToken cancellationToken)
    {
        CameraFeed? feed = await _feeds.FindAsync(cameraId, cancellationToken).ConfigureAwait(false);
        if (feed is null)
        {
            return SnapshotResult.NotFound;
        }

        StreamVariant selected = quality ?? feed.DefaultVariant;
        string key = CameraStream.KeyFor(cameraId, selected);
        Task<SnapshotResult> task;
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!_cache.TryGetValue(key, out Entry? entry)
                || (entry.CompletedAt is { } completed && now - completed >= _options.CacheDuration))
            {
                entry = new Entry();
                _cache[key] = entry;
                // Not the caller's token: other requests share this run, and a client that hangs up must not cancel theirs.
                entry.Task = TakeAsync(entry, feed, selected, _stopping.Token);
            }

            task = entry.Task;
        }

        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the camera's cached snapshots (it was deleted or changed).</summary>
    public void Forget(int cameraId)
    {
        lock (_lock)
        {
            foreach (StreamVariant quality in Enum.GetValues<StreamVariant>())
            {
                _cache.Remove(CameraStream.KeyFor(cameraId, quality));
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task<SnapshotResult> TakeAsync(Entry entry, CameraFeed feed, StreamVariant quality, CancellationToken cancellationToken)
    {
        SnapshotResult result;
        try
        {
            result = await FromRunningStreamAsync(feed, quality, cancellationToken).ConfigureAwait(false)
                ?? await GrabAsync(feed, quality, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            result = SnapshotResult.Unavailable("The server is shutting down.");
        }
        catch (Win32Exception ex)
        {
            Log.FfmpegMissing(_logger, ex);
            result = SnapshotResult.Unavailable("FFmpeg is not installed on the server, so no picture can be decoded.");
        }

        if (result.Snapshot is { } snapshot)
        {
            try
            {
                Taken?.Invoke(snapshot);
            }
            catch (Exception ex)
            {
                // The picture is still good for the caller; a failing observer (the poster file) is only logged.
                Log.ObserverFailed(_logger, feed.CameraId, ex);
            }
        }

        lock (_lock)
        {
            entry.CompletedAt = _time.GetUtcNow();
        }

        return result;
    }

    /// <summary>The running stream's last key frame, decoded; null when the camera is not streaming (or gives no key frame in time).</summary>
    private async Task<SnapshotResult?> FromRunningStreamAsync(CameraFeed feed, StreamVariant quality, CancellationToken cancellationToken)
    {
        if (_streams.TryGetStream(feed.CameraId, quality) is not { IsRunning: true } stream
            || stream.GetStatus().State is StreamState.AuthFailed or StreamState.Idle)
        {
            return null;
        }

        var capture = new KeyFrameCapture();
        KeyFrame keyFrame;
        using (stream.Source.Subscribe(capture))
        {
            try
            {
                keyFrame = await capture.KeyFrame.WaitAsync(_options.KeyFrameWait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        FfmpegFrame frame = await FfmpegFrameGrabber.GrabAsync(_registry, _options.FfmpegPath,
            FfmpegArguments.ForKeyFrameToJpeg(keyFrame.Codec), keyFrame.AnnexB, _options.DecodeTimeout, cancellationToken).ConfigureAwait(false);
        if (frame.Jpeg is not { } jpeg)
        {
            // Our own bytes did not decode: worth a warning, and the camera itself may still give a picture.
            Log.KeyFrameNotDecoded(_logger, feed.CameraId, frame.ExitCode, string.Join(" | ", frame.ErrorLines.Take(3)));
            return null;
        }

        return SnapshotResult.Of(new Snapshot(feed.CameraId, quality, jpeg, _time.GetUtcNow(), FromRunningStream: true));
    }

    private async Task<SnapshotResult> GrabAsync(CameraFeed feed, StreamVariant quality, CancellationToken cancellationToken)
    {
        if (!_streams.Admission.MayRun(feed.CameraId))
        {
            // A grab is a pull like a stream's: in a cluster only the camera's owner may contact it.
            Log.GrabNotAdmitted(_logger, feed.CameraId);
            return SnapshotResult.Unavailable("Another node serves this camera now; try again in a moment.");
        }

        IReadOnlyList<string> arguments;
        string? password = string.IsNullOrEmpty(feed.Password) ? null : feed.Password;
        if (feed.Kind == CameraFeedKind.TestPattern)
        {
            (int width, int height) = CameraStreamArguments.DemoSize(quality);
            arguments = FfmpegArguments.ForTestPatternToJpegFrame(width, height);
        }
        else
        {
            try
            {
                var rtsp = new RtspSource(feed.Host, feed.RtspPort, feed.PathFor(quality),
                    string.IsNullOrEmpty(feed.Username) ? null : feed.Username, password);
                arguments = FfmpegArguments.ForRtspToJpegFrame(rtsp);
            }
            catch (ArgumentException)
            {
                return SnapshotResult.Unavailable("The camera's address or stream path cannot be used in an RTSP URL; correct it on the camera's page.");
            }
        }

        FfmpegFrame frame = await FfmpegFrameGrabber.GrabAsync(_registry, _options.FfmpegPath, arguments, ReadOnlyMemory<byte>.Empty,
            _options.GrabTimeout, cancellationToken).ConfigureAwait(false);
        if (frame.Jpeg is { } jpeg)
        {
            return SnapshotResult.Of(new Snapshot(feed.CameraId, quality, jpeg, _time.GetUtcNow(), FromRunningStream: false));
        }

        if (frame.TimedOut)
        {
            Log.GrabTimedOut(_logger, feed.CameraId, _options.GrabTimeout.TotalSeconds);
            return SnapshotResult.Unavailable(string.Create(CultureInfo.InvariantCulture,
                $"The camera sent no picture within {_options.GrabTimeout.TotalSeconds:0.#} s."));
        }

        FfmpegDiagnosis diagnosis = FfmpegStderrParser.Classify(frame.ErrorLines, frame.ExitCode);
        Log.GrabFailed(_logger, feed.CameraId, FfmpegArguments.Redact(diagnosis.ToStatusText(), password));
        // The fixed summary only: FFmpeg's own line may quote the URL, and the user-facing sentence needs no evidence.
        return SnapshotResult.Unavailable(diagnosis.Failure == FfmpegFailure.Unknown
            ? "The camera gave no picture." : diagnosis.Summary);
    }

    /// <summary>One snapshot being taken or taken; <see cref="CompletedAt"/> (under the lock) starts its cache window.</summary>
    private sealed class Entry
    {
        public Task<SnapshotResult> Task { get; set; } = null!;

        public DateTimeOffset? CompletedAt { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "FFmpeg could not be started for a snapshot")]
        public static partial void FfmpegMissing(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping camera {CameraId}'s snapshot failed")]
        public static partial void ObserverFailed(ILogger logger, int cameraId, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: the running stream's key frame did not decode (exit {ExitCode}): {Errors}")]
        public static partial void KeyFrameNotDecoded(ILogger logger, int cameraId, int? exitCode, string errors);

        [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId}: no snapshot within {Seconds} s")]
        public static partial void GrabTimedOut(ILogger logger, int cameraId, double seconds);

        [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId}: no snapshot grab, this node may not pull the camera now")]
        public static partial void GrabNotAdmitted(ILogger logger, int cameraId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId}: snapshot grab failed: {Reason}")]
        public static partial void GrabFailed(ILogger logger, int cameraId, string reason);
    }
}
