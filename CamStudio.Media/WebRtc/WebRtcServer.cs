using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using CamStudio.Media.Audio;
using CamStudio.Media.Dtls;
using CamStudio.Media.Ice;
using CamStudio.Media.Sdp;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// The WebRTC media plane: one UDP socket (<see cref="UdpMux"/>), one DTLS certificate, and every viewer session.
/// Signalling hands it a browser's offer and a camera's H.264 source and gets back the answer.
/// </summary>
public sealed partial class WebRtcServer : IAsyncDisposable
{
    private static readonly TimeSpan s_senderReportInterval = TimeSpan.FromSeconds(1);

    private readonly WebRtcOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ViewerSession> _sessions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private UdpMux? _mux;
    private Task _muxLoop = Task.CompletedTask;
    private Task _reportLoop = Task.CompletedTask;
    private IReadOnlyList<IPEndPoint> _candidates = [];
    private long _sessionsCreated;
    private long _offersRejected;
    private int _disposed;

    public WebRtcServer(IOptions<WebRtcOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WebRtcServer>();
        _time = timeProvider;

        // One certificate per process: browsers only pin it per session through a=fingerprint, and SRTP keys
        // are fresh for every handshake, so nothing secret is shared between sessions.
        Certificate = DtlsCertificate.Create();
    }

    public DtlsCertificate Certificate { get; }

    /// <summary>The bound UDP endpoint, once started.</summary>
    public IPEndPoint? LocalEndPoint => _mux?.LocalEndPoint;

    /// <summary>The host candidates put into every answer.</summary>
    public IReadOnlyList<IPEndPoint> Candidates => _candidates;

    public IReadOnlyCollection<ViewerSession> Sessions => _sessions.Values.ToArray();

    public int SessionCount => _sessions.Count;

    /// <summary>Sessions the UDP socket still routes to; equal to <see cref="SessionCount"/> unless one leaked.</summary>
    public int RoutedSessionCount => _mux?.SessionCount ?? 0;

    public long SessionsCreated => Interlocked.Read(ref _sessionsCreated);

    public long OffersRejected => Interlocked.Read(ref _offersRejected);

    public UdpMuxCounters? MuxCounters => _mux?.Counters;

    /// <summary>STUN/TURN servers for the browser's RTCPeerConnection configuration.</summary>
    public IReadOnlyList<IceServerOptions> IceServers => _options.IceServers;

    /// <summary>Test-only impairment applied to every new session's outgoing RTP.</summary>
    internal Func<ushort, bool>? DropOutgoingRtp { get; set; }

    /// <summary>Binds the UDP port and starts the receive and sender-report loops.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_startLock)
        {
            if (_mux is not null)
            {
                return Task.CompletedTask;
            }

            var bind = new IPEndPoint(IPAddress.Parse(_options.BindAddress), _options.UdpPort);
            _mux = new UdpMux(bind, _loggerFactory.CreateLogger<UdpMux>(), _time, _options.ConsentTimeout);
            int port = _mux.LocalEndPoint.Port;
            _candidates = HostCandidateAddresses.Resolve(_options.AdvertisedAddresses)
                .Select(address => new IPEndPoint(address, port))
                .ToArray();
            _muxLoop = _mux.RunAsync(_stopping.Token);
            _reportLoop = RunSenderReportsAsync(_stopping.Token);
            LogStarted(_logger, _mux.LocalEndPoint, string.Join(", ", _candidates.Select(c => c.Address)));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers a browser's recvonly offer with a session that will play <paramref name="source"/>, without audio.
    /// Never throws for bad offers: the result carries a sentence the client can show.
    /// </summary>
    public ViewerSessionResult CreateSession(string offerSdp, IVideoStreamSource source, string cameraKey) =>
        CreateSession(offerSdp, source, audio: null, cameraKey);

    /// <summary>
    /// Answers a browser's recvonly offer with a session that will play <paramref name="source"/> and, when the
    /// camera's audio is on (<see cref="IAudioStreamSource.Codec"/> not null) and the offer can take it, the camera's
    /// audio on the same transport (<see cref="AudioCodecSelector.Choose"/> says when). Audio never decides whether a
    /// session exists: an offer whose audio cannot be served is answered with the audio section rejected and plays
    /// video only. Never throws for bad offers: the result carries a sentence the client can show.
    /// </summary>
    public ViewerSessionResult CreateSession(string offerSdp, IVideoStreamSource source, IAudioStreamSource? audio, string cameraKey)
    {
        ArgumentNullException.ThrowIfNull(source);
        UdpMux mux = _mux ?? throw new InvalidOperationException("The WebRTC server has not been started.");

        if (!SdpOfferValidator.TryParseAndValidate(offerSdp ?? string.Empty, out SdpOffer? offer, out string? error) ||
            offer?.Video is not SdpMediaDescription video)
        {
            return Reject(error ?? "The offer cannot be answered.");
        }

        VideoCodec videoCodec = source.Codec;
        SdpCodec? codec = videoCodec == VideoCodec.H265
            ? H265CodecSelector.Select(video)
            : H264CodecSelector.Select(video, source.ProfileLevelId);
        if (codec is null)
        {
            return videoCodec == VideoCodec.H265
                ? Reject(CodecUnsupportedH265, ViewerSessionRefusal.CodecUnsupported)
                : Reject("The offer has no H.264 with packetization-mode=1. CamStudio relays the camera's H.264 " +
                         "without re-encoding, so the browser must be able to receive H.264.", ViewerSessionRefusal.CodecUnsupported);
        }

        if (_sessions.Count >= _options.MaxSessions)
        {
            return Reject($"The server is at its limit of {_options.MaxSessions} viewers.", ViewerSessionRefusal.ServerFull);
        }

        var credentials = IceCredentials.CreateRandom();
        var ice = new IceLiteAgent(credentials, offer.IceUfrag, _time);
        uint ssrc = NewSsrc();
        string id = NewSessionId();

        // Read once: the answer and the session must agree on the codec even if the setting changes meanwhile.
        AudioCodec? audioCodec = audio?.Codec;
        SdpAudioOptions? audioOptions = audioCodec is { } ac ? new SdpAudioOptions(ac, NewSsrc(except: ssrc), "audio-" + id) : null;
        SdpAnswer answer = SdpAnswerBuilder.Build(offer, codec, new SdpAnswerOptions(
            credentials.Ufrag, credentials.Password, Certificate.Fingerprint, _candidates, ssrc,
            StreamId: "camstudio-" + cameraKey, TrackId: "video-" + id,
            // We do not write the playout-delay extension into packets, so we must not negotiate it.
            NegotiatePlayoutDelay: false,
            Audio: audioOptions));
        ViewerAudioTrack? audioTrack = audio is not null && audioOptions is not null && answer.AudioPayloadType is { } audioPt
            ? new ViewerAudioTrack(audio, audioOptions.Codec, audioOptions.Ssrc, audioPt)
            : null;

        var session = new ViewerSession(
            id, cameraKey, ice, ssrc, answer.PayloadType, mux, source, Certificate, offer.Fingerprint,
            _options, _time, _loggerFactory.CreateLogger<ViewerSession>(), videoCodec, audioTrack)
        {
            DropOutgoingRtp = DropOutgoingRtp,
        };
        session.Closed += OnSessionClosed;
        _sessions[id] = session;
        mux.Register(session);
        session.Start();
        Interlocked.Increment(ref _sessionsCreated);
        return ViewerSessionResult.Success(session, answer.Sdp);
    }

    public bool TryGetSession(string id, out ViewerSession? session) => _sessions.TryGetValue(id, out session);

    /// <summary>Ends one session (the client's DELETE, or the streams layer removing a camera).</summary>
    public bool CloseSession(string id, ViewerCloseReason reason = ViewerCloseReason.ClosedByServer)
    {
        if (!_sessions.TryGetValue(id, out ViewerSession? session))
        {
            return false;
        }

        session.Close(reason);
        return true;
    }

    private void OnSessionClosed(ViewerSession session, ViewerCloseReason reason) => _sessions.TryRemove(session.Id, out _);

    /// <summary>The refusal an H.265 camera's viewer gets from a browser that offers no H.265.</summary>
    public const string CodecUnsupportedH265 =
        "This camera sends H.265, which this browser cannot play. Watch its SD stream, or switch the camera's video encoding to H.264.";

    private ViewerSessionResult Reject(string error, ViewerSessionRefusal refusal = ViewerSessionRefusal.InvalidOffer)
    {
        Interlocked.Increment(ref _offersRejected);
        LogOfferRejected(_logger, error);
        return ViewerSessionResult.Failure(error, refusal);
    }

    private async Task RunSenderReportsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_senderReportInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (ViewerSession session in _sessions.Values)
                {
                    try
                    {
                        session.SendSenderReport();
                    }
                    catch (Exception ex)
                    {
                        LogSenderReportFailed(_logger, session.Id, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }
    }

    private static uint NewSsrc(uint except = 0)
    {
        uint ssrc;
        do
        {
            ssrc = (uint)RandomNumberGenerator.GetInt32(int.MaxValue) ^ ((uint)RandomNumberGenerator.GetInt32(2) << 31);
        }
        while (ssrc == 0 || ssrc == except);
        return ssrc;
    }

    private static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public async ValueTask DisposeAsync()
    {
        // Called twice in an app: by WebRtcHost on shutdown and by the DI container that owns the singleton.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (ViewerSession session in _sessions.Values)
        {
            session.Close(ViewerCloseReason.ClosedByServer);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_muxLoop, _reportLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }

        if (_mux is not null)
        {
            await _mux.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebRTC media on UDP {EndPoint}, advertising {Addresses}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint endPoint, string addresses);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer rejected: {Reason}")]
    private static partial void LogOfferRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sender report for {SessionId} failed")]
    private static partial void LogSenderReportFailed(ILogger logger, string sessionId, Exception exception);
}

/// <summary>The outcome of an offer: a session and its answer, or a reason the client can show.</summary>
public sealed record ViewerSessionResult(ViewerSession? Session, string? AnswerSdp, string? Error,
    ViewerSessionRefusal Refusal = ViewerSessionRefusal.None)
{
    public bool Succeeded => Session is not null;

    public static ViewerSessionResult Success(ViewerSession session, string answer) => new(session, answer, null);

    public static ViewerSessionResult Failure(string error, ViewerSessionRefusal refusal = ViewerSessionRefusal.InvalidOffer) =>
        new(null, null, error, refusal);
}

/// <summary>Why <see cref="WebRtcServer.CreateSession(string, IVideoStreamSource, IAudioStreamSource?, string)"/> refused an offer.</summary>
public enum ViewerSessionRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>Malformed SDP, or SDP that breaks a WebRTC rule.</summary>
    InvalidOffer,

    /// <summary>A valid offer without the codec the camera sends (an H.265 camera, a browser without H.265).</summary>
    CodecUnsupported,

    /// <summary>The server is at its session limit.</summary>
    ServerFull,
}
