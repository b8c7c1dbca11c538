import { classifySignalError } from './signal-error.js';

/**
 * @typedef {Object} SignalAdapter
 * @property {(cameraId: string, quality: string, sdp: string) => Promise<{ sdp: string, sessionId: string, error?: string, retryable?: boolean, reason?: string }>} offer
 * @property {(cameraId: string, quality: string) => Promise<{ url?: string, sessionId?: string, error?: string, retryable?: boolean, reason?: string }>} [hls]
 *           opens an LL-HLS viewer session ({ url: the site-relative media playlist, sessionId }); without it the player is WebRTC only
 * @property {(sessionId: string) => Promise<void>} hangup          ends a WebRTC or HLS session
 * @property {() => Promise<RTCIceServer[]>} [iceServers]  fresh ICE servers for a new peer connection: time-limited TURN
 *           credentials are minted per request, so a tile that reconnects hours later must not reuse expired ones
 */

/**
 * One RTCPeerConnection and its server session: a recvonly video offer, the answer from the server, the received stream.
 * The player holds one of these for the picture on screen and, during an SD↔HD switch, a second one in the background.
 */
export class PeerSession {
  /** @type {string} */ transport = 'webrtc';
  /** @type {string} */ cameraId;
  /** @type {string} */ quality;
  /** @type {RTCPeerConnection | null} */ pc = null;
  /** @type {string | null} server session, known once the answer arrived */ sessionId = null;
  /** @type {MediaStream | null} */ stream = null;
  /** @type {boolean} */ closed = false;

  /** @type {SignalAdapter} */ #signal;
  /** @type {{ RTCPeerConnection: typeof RTCPeerConnection, MediaStream: typeof MediaStream }} */ #env;
  /** @type {RTCIceServer[]} */ #iceServers;
  /** @type {boolean} ask for the camera's audio too */ #audio = false;
  /** @type {(stream: MediaStream) => void} */ #onStream;
  /** @type {(state: string) => void} */ #onConnectionState;
  /** @type {(() => void) | null} */ #detach = null;

  /**
   * @param {Object} args
   * @param {string} args.cameraId
   * @param {string} args.quality
   * @param {RTCIceServer[]} args.iceServers
   * @param {SignalAdapter} args.signal
   * @param {{ RTCPeerConnection: typeof RTCPeerConnection, MediaStream: typeof MediaStream }} args.env
   * @param {(stream: MediaStream) => void} args.onStream          the remote video arrived
   * @param {(state: string) => void} args.onConnectionState       RTCPeerConnection.connectionState changes
   */
  constructor({ cameraId, quality, iceServers, signal, env, onStream, onConnectionState, audio = false }) {
    this.cameraId = cameraId;
    this.#audio = Boolean(audio);
    this.quality = quality;
    this.#iceServers = iceServers;
    this.#signal = signal;
    this.#env = env;
    this.#onStream = onStream;
    this.#onConnectionState = onConnectionState;
  }

  /**
   * Creates the peer connection and runs the offer/answer exchange. Rejects with a SignalError on signalling failure.
   * Resolves without effect if close() was called meanwhile (a late answer's session is hung up at once).
   */
  async open() {
    const iceServers = await this.#freshIceServers();
    if (this.closed) return;
    const pc = new this.#env.RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
    this.pc = pc;
    const onTrack = (/** @type {RTCTrackEvent} */ ev) => {
      if (this.closed) return;
      if (ev.track.kind === 'audio') {
        // The server gives audio the video's stream id (a=msid), so the browser syncs them and it is already in
        // the stream; an answer without msid brings it alone, and it joins the video's stream here.
        if (this.stream && !this.stream.getTracks().includes(ev.track)) this.stream.addTrack(ev.track);
        return;
      }
      if (ev.track.kind !== 'video') return;
      // The server's answer may carry no a=msid, then the track comes without a stream.
      this.stream = ev.streams?.[0] ?? new this.#env.MediaStream([ev.track]);
      this.#onStream(this.stream);
    };
    const onState = () => {
      if (!this.closed) this.#onConnectionState(pc.connectionState);
    };
    pc.addEventListener('track', onTrack);
    pc.addEventListener('connectionstatechange', onState);
    this.#detach = () => {
      pc.removeEventListener('track', onTrack);
      pc.removeEventListener('connectionstatechange', onState);
    };
    pc.addTransceiver('video', { direction: 'recvonly' });
    // Asked for only where the camera's audio is on; the server answers port 0 when it has none to send after all.
    if (this.#audio) pc.addTransceiver('audio', { direction: 'recvonly' });

    const offer = await pc.createOffer();
    if (this.closed) return;
    await pc.setLocalDescription(offer);
    if (this.closed) return;

    // The server is ICE-lite and puts its candidates in the answer; it learns ours from the connectivity checks,
    // so there is no need to wait for candidate gathering before sending the offer.
    let answer;
    try {
      answer = await this.#signal.offer(this.cameraId, this.quality, pc.localDescription?.sdp ?? offer.sdp ?? '');
    } catch (err) {
      throw classifySignalError(err);
    }
    if (answer && typeof answer.sessionId === 'string' && answer.sessionId) {
      if (this.closed) {
        // Closed while the offer was in flight: the server already counts us as a viewer, tell it we left.
        this.#hangup(answer.sessionId);
        return;
      }
      this.sessionId = answer.sessionId;
    }
    if (!answer || answer.error || typeof answer.sdp !== 'string') {
      throw classifySignalError(
        answer?.error
          ? { message: answer.error, retryable: answer.retryable, reason: answer.reason }
          : 'the server sent no answer',
      );
    }
    if (this.closed) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  /** Stops the tracks, closes the peer connection and hangs the server session up. Idempotent. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.#detach?.();
    this.#detach = null;
    const pc = this.pc;
    if (pc) {
      for (const receiver of pc.getReceivers?.() ?? []) receiver.track?.stop();
      pc.close();
    }
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    if (this.sessionId) this.#hangup(this.sessionId);
    this.sessionId = null;
  }

  /**
   * The signal adapter's current ICE servers when it offers them, else the ones given at construction. A failure to
   * fetch them is no reason not to try: host candidates may well suffice.
   * @returns {Promise<RTCIceServer[]>}
   */
  async #freshIceServers() {
    if (typeof this.#signal.iceServers !== 'function') return this.#iceServers;
    try {
      const servers = await this.#signal.iceServers();
      return Array.isArray(servers) ? servers : this.#iceServers;
    } catch (err) {
      console.warn('CamStudio player: ICE servers unavailable, using the last known ones', err);
      return this.#iceServers;
    }
  }

  /** @param {string} sessionId */
  #hangup(sessionId) {
    // Called synchronously so that during 'pagehide' the message still leaves before the page goes.
    // Fire and forget: the server also ends sessions when ICE consent stops or the circuit dies.
    const warn = (/** @type {unknown} */ err) => console.warn('CamStudio player: hangup failed', err);
    try {
      Promise.resolve(this.#signal.hangup(sessionId)).catch(warn);
    } catch (err) {
      warn(err);
    }
  }
}
