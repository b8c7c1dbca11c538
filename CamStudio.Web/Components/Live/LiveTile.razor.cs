using System.Globalization;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace CamStudio.Web.Components.Live;

/// <summary>
/// One camera on the Live page: a muted inline &lt;video&gt; driven by the browser player (wwwroot-js) over the Blazor
/// circuit. Offers and hang-ups go to <see cref="LiveViewerSessions"/>; every session the tile opened is closed when it
/// is disposed.
/// </summary>
public sealed partial class LiveTile : IAsyncDisposable
{
    /// <summary>The player's Blazor glue (wwwroot-js/src is served from /js/).</summary>
    public const string ModulePath = "/js/blazor-interop.js";

    private const string HdQuality = StreamVariantNames.Stream1;
    private const string SdQuality = StreamVariantNames.Stream2;

    private bool _disposed;
    private ElementReference _video;
    private IJSObjectReference? _module;
    private IJSObjectReference? _player;
    private DotNetObjectReference<LiveTile>? _self;
    private string _playerState = PlayerStates.Idle;
    private PlayerStateDetail? _detail;
    private PlayerStats? _stats;
    private LiveTileView _view = LiveTileView.From(PlayerStates.Idle, null, CameraRuntimeStatus.Idle(0));
    private bool _showStats;
    private string? _requestedQuality;
    private string? _requestedTransport;
    private bool _fullscreen;
    private bool _startedWithAudio;
    private bool _sdOnly;
    private bool _muted = true;
    private string? _lastNode;
    private bool _retryForNewOwner;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private LiveViewerSessions Sessions { get; set; } = default!;

    /// <summary>The camera this tile plays.</summary>
    [Parameter, EditorRequired]
    public CameraResponse Camera { get; set; } = default!;

    /// <summary>The server's latest runtime status of the camera (pushed by the page).</summary>
    [Parameter]
    public CameraRuntimeStatus? Status { get; set; }

    /// <summary>Whether the tile fills the grid; a maximised tile watches HD, the others SD.</summary>
    [Parameter]
    public bool Maximized { get; set; }

    /// <summary>
    /// The browser's transport choice (auto, webrtc, hls), once the page knows it; null until then, and the player reads
    /// the stored choice itself. A change reaches the running player, which reconnects if it plays over a ruled-out one.
    /// </summary>
    [Parameter]
    public string? TransportMode { get; set; }

    /// <summary>The tile's maximise/restore button was pressed.</summary>
    [Parameter]
    public EventCallback OnToggleMaximized { get; set; }

    // A maximised tile and a tile in browser fullscreen are big enough for the camera's main stream.
    private string WantedQuality => !_sdOnly && (Maximized || _fullscreen) ? HdQuality : SdQuality;

    /// <summary>
    /// A live tile that could not switch to HD says why under its picture (e.g. the HD stream is H.265 and this browser
    /// cannot decode it): it keeps playing SD, and the operator should know that is not the camera's best.
    /// </summary>
    private string? Note => _playerState == PlayerStates.Live && _detail is { Reason: "quality_switch_failed", Message: { } message }
        ? message
        : null;

    /// <summary>The browser cannot decode the HD stream's codec (H.265): the tile can offer the camera's SD stream.</summary>
    private bool CanOfferSd => !_sdOnly && _detail is { Reason: "codec_unsupported", Quality: HdQuality };

    private string TileClass => Maximized ? "live-tile live-tile--max" : "live-tile";

    // The badge says the picture comes the slower way (a few seconds behind, not sub-second).
    private bool PlayingOverHls => _playerState == PlayerStates.Live && _detail?.Transport == LiveTransports.Hls;

    private string StatsText => _stats is not { } s
        ? "No stats yet"
        : string.Create(CultureInfo.InvariantCulture,
            $"{s.Width:0}×{s.Height:0} · {s.Fps:0} fps · {s.BitrateKbps:0} kb/s · lost {s.PacketsLost:0} · jitter buffer {s.JitterBufferMs:0} ms");

    protected override void OnParametersSet()
    {
        NoteOwner();
        UpdateView();
        UpdatePoster();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await StartPlayerAsync();
            return;
        }

        if (_retryForNewOwner)
        {
            _retryForNewOwner = false;
            await RetryAsync();
        }

        if (_player is not null && _requestedQuality != WantedQuality)
        {
            // The player keeps the SD picture until HD has decoded its first frame (quality-switch.js).
            _requestedQuality = WantedQuality;
            await _player.InvokeVoidAsync("setQuality", _requestedQuality);
        }

        if (_player is not null && TransportMode is not null && _requestedTransport != TransportMode)
        {
            _requestedTransport = TransportMode;
            await _player.InvokeVoidAsync("setTransportMode", _requestedTransport);
        }

        if (_player is not null && _startedWithAudio != Camera.Audio)
        {
            // Audio was switched on or off in the camera's settings: the session must be offered again, with or
            // without an audio section, so the player starts over.
            await StopPlayerAsync();
            _muted = true;
            await StartPlayerAsync();
        }
    }

    /// <summary>The player's offer: answered by the server's WebRTC sender, or an error the tile shows.</summary>
    [JSInvokable]
    public async Task<LiveOfferResult> OfferAsync(string quality, string sdp)
    {
        if (_disposed)
        {
            return LiveOfferResult.Failed("The tile was closed.", "signal_error", retryable: true);
        }

        LiveOfferResult result = await Sessions.OfferAsync(this, Camera.CameraId, quality, sdp, CancellationToken.None);
        if (_disposed && result.SessionId is { } late)
        {
            // Disposed while the server answered: CloseAll already ran, so this session is ended here.
            Sessions.Hangup(late);
            return LiveOfferResult.Failed("The tile was closed.", "signal_error", retryable: true);
        }

        return result;
    }

    /// <summary>
    /// The player's HLS fallback (WebRTC could not connect, or the operator forced HLS): a session whose LL-HLS media
    /// playlist the player loads, or an error the tile shows. Closed like a WebRTC session (<see cref="HangupAsync"/>).
    /// </summary>
    [JSInvokable]
    public async Task<LiveHlsResult> OpenHlsAsync(string quality)
    {
        if (_disposed)
        {
            return LiveHlsResult.Failed("The tile was closed.", "signal_error", retryable: true);
        }

        LiveHlsResult result = await Sessions.OpenHlsAsync(this, Camera.CameraId, quality, CancellationToken.None);
        if (_disposed && result.SessionId is { } late)
        {
            Sessions.Hangup(late);
            return LiveHlsResult.Failed("The tile was closed.", "signal_error", retryable: true);
        }

        return result;
    }

    /// <summary>
    /// The ICE servers for the player's next peer connection, asked for each time: TURN credentials minted from a shared
    /// secret expire, and a tile may reconnect hours after it started.
    /// </summary>
    [JSInvokable]
    public Task<IReadOnlyList<IceServer>> GetIceServersAsync() => Sessions.GetIceServersAsync();

    [JSInvokable]
    public Task HangupAsync(string sessionId)
    {
        Sessions.Hangup(sessionId);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnPlayerStateChanged(string state, PlayerStateDetail? detail)
    {
        _playerState = state;
        _detail = detail;
        UpdateView();
        UpdatePoster();
        StateHasChanged();
        return Task.CompletedTask;
    }

    /// <summary>The tile's sound was muted or unmuted (its speaker button, handled in the browser for the user gesture).</summary>
    [JSInvokable]
    public Task OnAudioChanged(bool muted)
    {
        _muted = muted;
        StateHasChanged();
        return Task.CompletedTask;
    }

    /// <summary>The tile entered or left browser fullscreen (its button, a double-click, Escape or the browser's UI).</summary>
    [JSInvokable]
    public Task OnFullscreenChanged(bool fullscreen)
    {
        _fullscreen = fullscreen;
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnPlayerStats(PlayerStats stats)
    {
        _stats = stats;
        StateHasChanged();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await StopPlayerAsync();
        }
        finally
        {
            // Whatever the browser could not hang up (the circuit is gone) ends here.
            Sessions.CloseAll(this);
            _self?.Dispose();
        }
    }

    /// <summary>
    /// Cluster mode: the camera got a new owner (after a failover, or out of "moving") while the player is waiting to
    /// reconnect or gave up. Its backoff may be seconds away, and a failed player never tries again by itself: ask it to
    /// retry now, so the tile resumes right after the claim. A playing tile is left alone (its session ends with
    /// SourceMoved and the player reconnects by itself), and on a single node Node stays null, so nothing changes.
    /// </summary>
    private void NoteOwner()
    {
        string? node = Status?.Node;
        if (node is not null && !string.Equals(node, _lastNode, StringComparison.Ordinal)
            && _playerState is PlayerStates.Reconnecting or PlayerStates.Failed)
        {
            _retryForNewOwner = true;
        }

        _lastNode = node;
    }

    private void UpdateView() =>
        _view = LiveTileView.From(_playerState, _detail, Status ?? CameraRuntimeStatus.Idle(Camera.CameraId));

    /// <summary>"Watch SD stream": this tile plays the sub stream from now on, even maximised.</summary>
    private async Task WatchSdAsync()
    {
        _sdOnly = true;
        await StopPlayerAsync();
        await StartPlayerAsync();
    }

    private async Task RetryAsync()
    {
        if (_player is not null)
        {
            await _player.InvokeVoidAsync("retry");
        }
    }

    private async Task ToggleStatsAsync()
    {
        _showStats = !_showStats;
        if (!_showStats)
        {
            _stats = null;
        }

        if (_player is not null)
        {
            await _player.InvokeVoidAsync("setStatsEnabled", _showStats);
        }
    }

    private async Task StartPlayerAsync()
    {
        _self?.Dispose();
        _self = DotNetObjectReference.Create(this);
        _requestedQuality = WantedQuality;
        _requestedTransport = TransportMode;
        _startedWithAudio = Camera.Audio;
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            IReadOnlyList<IceServer> iceServers = await Sessions.GetIceServersAsync();
            _player = await _module.InvokeAsync<IJSObjectReference>("start", _video, _self, new
            {
                cameraId = Camera.CameraId.ToString(CultureInfo.InvariantCulture),
                quality = _requestedQuality,
                transport = _requestedTransport,
                stats = _showStats,
                audio = _startedWithAudio,
                iceServers,
            });
        }
        catch (JSDisconnectedException)
        {
            return;
        }

        if (_disposed)
        {
            // Disposed while the player was starting: DisposeAsync found nothing to stop yet.
            await StopPlayerAsync();
        }
    }

    private async Task StopPlayerAsync()
    {
        try
        {
            if (_player is not null)
            {
                await _player.InvokeVoidAsync("dispose");
                await _player.DisposeAsync();
                _player = null;
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
                _module = null;
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone: the page unloaded, and the player cleaned up on 'pagehide' by itself.
        }
    }
}
