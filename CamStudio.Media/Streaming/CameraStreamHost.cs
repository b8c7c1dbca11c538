using CamStudio.Media.Ffmpeg;
using CamStudio.Media.WebRtc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.Streaming;

/// <summary>
/// Every camera stream in memory, keyed by camera and quality: get-or-create, remove, reconfigure, status. Viewers join
/// through <see cref="OpenViewerAsync"/>; the first one starts FFmpeg, the rest share it. Stops every stream on shutdown.
/// </summary>
public sealed class CameraStreamHost : IHostedService, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CameraStream> _streams = new(StringComparer.Ordinal);
    private readonly ICameraFeedLookup _feeds;
    private readonly WebRtcServer _webRtc;
    private readonly IFfmpegLauncher _launcher;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CameraStreamOptions _options;
    private readonly IdleMemoryRelease _memoryRelease;
    private readonly IStreamAdmission _admission;
    private bool _stopped;

    public CameraStreamHost(ICameraFeedLookup feeds, WebRtcServer webRtc, IFfmpegLauncher launcher, IOptions<CameraStreamOptions> options,
        ILoggerFactory loggerFactory, TimeProvider timeProvider, IdleMemoryRelease memoryRelease, IStreamAdmission? admission = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _feeds = feeds ?? throw new ArgumentNullException(nameof(feeds));
        _webRtc = webRtc ?? throw new ArgumentNullException(nameof(webRtc));
        _launcher = launcher ?? throw new ArgumentNullException(nameof(launcher));
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        _logger = loggerFactory.CreateLogger<CameraStreamHost>();
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options.Value;
        _memoryRelease = memoryRelease ?? throw new ArgumentNullException(nameof(memoryRelease));
        _admission = admission ?? AllowAllStreamAdmission.Instance;
    }

    /// <summary>Who may pull which camera now (everyone, on one node); the snapshot grabs ask it too.</summary>
    public IStreamAdmission Admission => _admission;

    /// <summary>Supervisor timing for new streams (tests shorten it); null means the defaults.</summary>
    public FfmpegSupervisorOptions? SupervisorOptions { get; init; }

    public IReadOnlyList<CameraStream> Streams { get { lock (_lock) { return _streams.Values.ToArray(); } } }

    /// <summary>The stream for <paramref name="quality"/> (the camera's own setting when null); null if the camera does not exist.</summary>
    /// <exception cref="StreamNotAdmittedException">The admission does not let this process pull the camera now.</exception>
    /// <exception cref="ObjectDisposedException">The host is stopping.</exception>
    public async Task<CameraStream?> GetOrCreateAsync(int cameraId, StreamVariant? quality, CancellationToken cancellationToken)
    {
        CameraFeed? source = await _feeds.FindAsync(cameraId, cancellationToken).ConfigureAwait(false);
        if (source is null)
        {
            return null;
        }

        // After the lookup, so an unknown camera stays "not found" everywhere; before an existing stream is handed out
        // too, so no new viewer joins a stream this node is about to fence.
        if (!_admission.MayRun(cameraId))
        {
            throw new StreamNotAdmittedException(cameraId);
        }

        StreamVariant selected = quality ?? source.DefaultVariant;
        string key = CameraStream.KeyFor(cameraId, selected);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_streams.TryGetValue(key, out CameraStream? existing))
            {
                return existing;
            }

            // Cheap and synchronous (binds a loopback socket, builds arguments), so it may run under the lock.
            var stream = new CameraStream(source, selected, _launcher, _loggerFactory, _time, _options, SupervisorOptions, _admission);
            stream.Stopped = OnStreamStopped;
            _streams[key] = stream;
            StreamLog.StreamCreated(_logger, key, stream.Source.Port);
            return stream;
        }
    }

    public CameraStream? TryGetStream(int cameraId, StreamVariant quality)
    {
        lock (_lock)
        {
            return _streams.GetValueOrDefault(CameraStream.KeyFor(cameraId, quality));
        }
    }

    /// <summary>Answers a browser's offer with a viewer of the camera's stream. Null when the camera does not exist.</summary>
    public async Task<CameraViewerResult?> OpenViewerAsync(int cameraId, string offerSdp, StreamVariant? quality, CancellationToken cancellationToken)
    {
        CameraStream? stream = await GetOrCreateAsync(cameraId, quality, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        ViewerSessionResult result = _webRtc.CreateSession(offerSdp, stream.Source, stream.AudioSource, stream.Key);
        if (result.Session is not { } session)
        {
            return new CameraViewerResult(stream, null, null, result.Error, result.Refusal);
        }

        stream.Attach(session);
        StreamLog.ViewerJoined(_logger, session.Id, stream.Key);
        // What to do when the camera refuses its credentials is the app's policy (CamStudio.Web's offer service), not ours.
        return new CameraViewerResult(stream, session, result.AnswerSdp, null);
    }

    /// <summary>
    /// Adds an LL-HLS viewer of the camera's stream in <paramref name="quality"/> (the camera's own setting when null),
    /// owned by <paramref name="owner"/>. Null when the camera does not exist.
    /// </summary>
    public async Task<HlsViewer?> OpenHlsViewerAsync(int cameraId, StreamVariant? quality, string owner, CancellationToken cancellationToken)
    {
        CameraStream? stream = await GetOrCreateAsync(cameraId, quality, cancellationToken).ConfigureAwait(false);
        return stream?.OpenHlsViewer(owner);
    }

    /// <summary>The open HLS viewer <paramref name="sessionId"/> if <paramref name="owner"/> opened it; null otherwise.</summary>
    public HlsViewer? FindHlsViewer(string sessionId, string owner)
    {
        foreach (CameraStream stream in Streams)
        {
            if (stream.FindHlsViewer(sessionId, owner) is { } viewer)
            {
                return viewer;
            }
        }

        return null;
    }

    /// <summary>Ends a viewer (WebRTC or HLS) of <paramref name="cameraId"/>; false when no such session belongs to that camera.</summary>
    public bool CloseViewer(int cameraId, string sessionId)
    {
        foreach (CameraStream stream in Streams)
        {
            if (stream.CameraId == cameraId && stream.CloseHlsViewer(sessionId))
            {
                return true;
            }
        }

        if (!_webRtc.TryGetSession(sessionId, out ViewerSession? session) || session is null
            || !Streams.Any(s => s.CameraId == cameraId && string.Equals(s.Key, session.CameraKey, StringComparison.Ordinal)))
        {
            return false;
        }

        return _webRtc.CloseSession(sessionId, ViewerCloseReason.ClosedByPeer);
    }

    /// <summary>
    /// True when no stream runs or wants FFmpeg: nobody watches any camera (not even one whose start is still queued
    /// behind a stop) and no grace period runs.
    /// </summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return !_stopped && _streams.Values.All(s => s.IsIdle);
            }
        }
    }

    private void OnStreamStopped()
    {
        if (IsIdle)
        {
            _memoryRelease.Request(() => IsIdle);
        }
    }

    /// <summary>Stops the camera's streams and ends their viewers (the camera was deleted).</summary>
    public async Task RemoveAsync(int cameraId, CancellationToken cancellationToken)
    {
        List<CameraStream> removed = [];
        lock (_lock)
        {
            foreach (CameraStream stream in _streams.Values.Where(s => s.CameraId == cameraId).ToArray())
            {
                _streams.Remove(stream.Key);
                removed.Add(stream);
            }
        }

        foreach (CameraStream stream in removed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.CloseViewers(ViewerCloseReason.SourceRemoved);
            await stream.DisposeAsync().ConfigureAwait(false);
            StreamLog.StreamRemoved(_logger, stream.Key);
        }

        if (removed.Count > 0)
        {
            OnStreamStopped(); // deleting the last running camera is an idle transition too
        }
    }

    /// <summary>
    /// Ends the camera's pull here at once because another node takes it over (its lease ran out): the streams are
    /// removed, FFmpeg is killed without the graceful 'q' and grace (a deadline, not a stop), and the viewers are closed
    /// with <see cref="ViewerCloseReason.SourceMoved"/>, which their players answer with a new offer. Returns when every
    /// FFmpeg of the camera has exited. Call it after the admission refuses the camera, so nothing restarts it.
    /// </summary>
    public async Task FenceAsync(int cameraId)
    {
        List<CameraStream> removed = [];
        lock (_lock)
        {
            foreach (CameraStream stream in _streams.Values.Where(s => s.CameraId == cameraId).ToArray())
            {
                _streams.Remove(stream.Key);
                removed.Add(stream);
            }
        }

        if (removed.Count == 0)
        {
            return;
        }

        // Kill first (HD and SD side by side), close the viewers while the kills run: the deadline is the process.
        Task[] kills = removed.Select(s => s.KillAsync().AsTask()).ToArray();
        foreach (CameraStream stream in removed)
        {
            stream.CloseViewers(ViewerCloseReason.SourceMoved);
        }

        await Task.WhenAll(kills).ConfigureAwait(false);
        foreach (CameraStream stream in removed)
        {
            StreamLog.StreamFenced(_logger, stream.Key);
        }

        OnStreamStopped();
    }

    /// <summary>Applies changed camera settings to its streams; running ones whose pull changed restart FFmpeg, viewers stay.</summary>
    public async Task ReconfigureAsync(int cameraId, CancellationToken cancellationToken)
    {
        CameraStream[] streams = Streams.Where(s => s.CameraId == cameraId).ToArray();
        if (streams.Length == 0)
        {
            return;
        }

        CameraFeed? source = await _feeds.FindAsync(cameraId, cancellationToken).ConfigureAwait(false);
        if (source is null)
        {
            await RemoveAsync(cameraId, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (CameraStream stream in streams)
        {
            if (await stream.ReconfigureAsync(source, cancellationToken).ConfigureAwait(false))
            {
                StreamLog.StreamReconfigured(_logger, stream.Key);
            }
        }
    }

    /// <summary>The status of each of the camera's streams in memory, <see cref="StreamVariant.Stream1"/> first; empty when none.</summary>
    public IReadOnlyList<StreamStatus> GetStatuses(int cameraId) =>
        Streams.Where(s => s.CameraId == cameraId)
            .Select(s => s.GetStatus())
            .OrderBy(s => s.Quality)
            .ToArray();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        CameraStream[] streams;
        lock (_lock)
        {
            _stopped = true;
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (CameraStream stream in streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The outcome of <see cref="CameraStreamHost.OpenViewerAsync"/>: a session and answer, or the offer's problem (Error).
/// </summary>
public sealed record CameraViewerResult(CameraStream Stream, ViewerSession? Session, string? AnswerSdp, string? Error,
    ViewerSessionRefusal Refusal = ViewerSessionRefusal.None);
