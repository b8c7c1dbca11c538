// Glue between the Blazor tile component (LiveTile, CamStudio.Web/Components/Live/LiveTile.razor.cs) and the player.
// The component imports this module once, calls start() with its <video> ElementReference and a DotNetObjectReference,
// keeps the returned handle as an IJSObjectReference and calls setQuality/retry/getStats/dispose on it.

import { resolveEnv } from './env.js';
import { TileFullscreen } from './fullscreen.js';
import { TileAudio } from './tile-audio.js';
import { createPlayer } from './player.js';
import { getTransportMode } from './transport-mode.js';

export { getLayout, setLayout } from './layout.js';
export { getTransportMode, setTransportMode } from './transport-mode.js';

/**
 * @typedef {Object} DotNetRef  DotNetObjectReference as seen from JS
 * @property {(method: string, ...args: unknown[]) => Promise<any>} invokeMethodAsync
 */

/**
 * @typedef {Object} StartOptions
 * @property {string} cameraId
 * @property {string} [quality]            'stream2' (default) or 'stream1'
 * @property {RTCIceServer[]} [iceServers]
 * @property {string} [transport]          'auto' | 'webrtc' | 'hls'; default: this browser's choice (getTransportMode())
 * @property {boolean} [stats]             report stats to .NET every second ('OnPlayerStats'); off by default
 * @property {boolean} [audio]             the camera's audio is on: offers ask for it and the speaker button works (muted at first)
 * @property {import('./env.js').PlayerEnv} [env]   tests only
 */

/**
 * @typedef {Object} PlayerHandle
 * @property {(quality: string) => void} setQuality
 * @property {(mode: string) => void} setTransportMode  'auto' | 'webrtc' | 'hls': a tile on a transport the mode rules out reconnects
 * @property {() => void} retry
 * @property {() => Promise<import('./stats.js').StatsSummary | null>} getStats
 * @property {(enabled: boolean) => void} setStatsEnabled
 * @property {() => string} getState
 * @property {() => void} dispose
 */

/**
 * Starts a player for one tile.
 * .NET side contract (all [JSInvokable] on the component):
 *   Task<{ sdp, sessionId }> OfferAsync(string quality, string sdp)   or { error, reason, retryable }
 *   Task<{ url, sessionId }> OpenHlsAsync(string quality)              or { error, reason, retryable }: the HLS fallback
 *   Task HangupAsync(string sessionId)                                 WebRTC and HLS sessions alike
 *   Task<RTCIceServer[]> GetIceServersAsync()   before each new peer connection (TURN credentials are minted per request)
 *   Task OnPlayerStateChanged(string state, StateDetail detail)
 *   Task OnPlayerStats(StatsSummary stats)
 *   Task OnFullscreenChanged(bool fullscreen)   the tile entered or left browser fullscreen (the tile then asks for HD)
 *   Task OnAudioChanged(bool muted)             with options.audio: the tile's sound state, at start and after each click
 * The camera id is already known to the component, so OfferAsync does not take it.
 * @param {HTMLVideoElement} videoElement
 * @param {DotNetRef} dotnetRef
 * @param {StartOptions} options
 * @returns {PlayerHandle}
 */
export function start(videoElement, dotnetRef, options) {
  let statsEnabled = Boolean(options?.stats);
  let disposed = false;

  /** @param {string} method @param {unknown[]} args */
  const notify = (method, ...args) => {
    if (disposed && method !== 'OnPlayerStateChanged') return;
    try {
      Promise.resolve(dotnetRef.invokeMethodAsync(method, ...args)).catch((err) => {
        // The circuit is gone (navigation, reconnect UI): nothing on the .NET side is listening any more.
        console.debug(`CamStudio player: ${method} not delivered`, err);
      });
    } catch (err) {
      console.debug(`CamStudio player: ${method} not delivered`, err);
    }
  };

  const player = createPlayer(videoElement, {
    cameraId: options.cameraId,
    quality: options.quality,
    audio: options.audio,
    transport: options.transport ?? getTransportMode(),
    iceServers: options.iceServers,
    env: options.env,
    signal: {
      offer: async (_cameraId, quality, sdp) => {
        const answer = await dotnetRef.invokeMethodAsync('OfferAsync', quality, sdp);
        return answer;
      },
      // Same shape of failure as offer: { error, reason, retryable }, classified by the session.
      hls: async (_cameraId, quality) => {
        const result = await dotnetRef.invokeMethodAsync('OpenHlsAsync', quality);
        return result;
      },
      hangup: async (sessionId) => {
        await dotnetRef.invokeMethodAsync('HangupAsync', sessionId);
      },
      iceServers: () => dotnetRef.invokeMethodAsync('GetIceServersAsync'),
    },
    onStateChange: (state, detail) => notify('OnPlayerStateChanged', state, detail),
    onStats: (stats) => {
      if (statsEnabled) notify('OnPlayerStats', stats);
    },
  });

  // The video's parent is the tile: its fullscreen button ([data-action="fullscreen"]) and a double-click on the
  // picture toggle browser fullscreen of the whole tile.
  const tile = videoElement.parentElement;
  const document = resolveEnv(options.env).document;
  const fullscreen = tile && document
    ? new TileFullscreen(tile, videoElement, document, (active) => notify('OnFullscreenChanged', active))
    : null;
  // The speaker button ([data-action="audio"]) of a camera whose audio is on: muted at first, a click unmutes.
  const audio = tile && options.audio
    ? new TileAudio(tile, videoElement, String(options.cameraId), (muted) => notify('OnAudioChanged', muted))
    : null;

  // Arrow functions: Blazor may call these detached from the handle object.
  return {
    setQuality: (quality) => player.setQuality(quality),
    setTransportMode: (mode) => player.setTransportMode(mode),
    retry: () => player.retry(),
    getStats: () => player.getStats(),
    setStatsEnabled: (enabled) => {
      statsEnabled = Boolean(enabled);
    },
    getState: () => player.state,
    dispose: () => {
      if (disposed) return;
      fullscreen?.dispose();
      audio?.dispose();
      player.dispose(); // reports 'stopped' first, then nothing more goes to .NET
      disposed = true;
    },
  };
}

/**
 * Disposes a handle returned by start(); tolerates null so DisposeAsync can call it unconditionally.
 * @param {PlayerHandle | null | undefined} handle
 */
export function stop(handle) {
  handle?.dispose();
}
