// Hand-written fakes of the browser pieces the player touches. Deliberately small: each one records what the player
// did to it and lets a test script what the browser would do next.

/** Minimal EventTarget with on<event> support and a listener count for leak checks. */
export class FakeEventTarget {
  /** @type {Map<string, Set<Function>>} */
  listeners = new Map();

  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
  }

  removeEventListener(type, fn) {
    this.listeners.get(type)?.delete(fn);
  }

  dispatch(type, event = {}) {
    const ev = { type, target: this, ...event };
    for (const fn of [...(this.listeners.get(type) ?? [])]) fn.call(this, ev);
    this[`on${type}`]?.(ev);
  }

  listenerCount(type) {
    if (type) return this.listeners.get(type)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/** Manual clock + timers. advance(ms) runs due timers in time order, including timers they schedule. */
export class FakeTimers {
  nowMs = 0;
  #nextId = 1;
  /** @type {Map<number, { at: number, delay: number, fn: () => void, seq: number }>} */
  timers = new Map();
  #seq = 0;
  /** every delay ever scheduled, in order */
  scheduled = [];

  setTimeout = (fn, ms) => {
    const id = this.#nextId++;
    const delay = Math.max(0, Number(ms) || 0);
    this.timers.set(id, { at: this.nowMs + delay, delay, fn, seq: this.#seq++ });
    this.scheduled.push(delay);
    return id;
  };

  clearTimeout = (id) => {
    this.timers.delete(id);
  };

  now = () => this.nowMs;

  /** Delays of the timers still pending. */
  pendingDelays() {
    return [...this.timers.values()].map((t) => t.delay);
  }

  get pendingCount() {
    return this.timers.size;
  }

  advance(ms) {
    const end = this.nowMs + ms;
    for (;;) {
      let next = null;
      let nextId = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) {
          next = t;
          nextId = id;
        }
      }
      if (!next) break;
      this.timers.delete(nextId);
      this.nowMs = next.at;
      next.fn();
    }
    this.nowMs = end;
  }
}

export class FakeTrack {
  kind;
  readyState = 'live';
  stopped = false;
  constructor(kind = 'video') {
    this.kind = kind;
  }
  stop() {
    this.stopped = true;
    this.readyState = 'ended';
  }
}

export class FakeMediaStream {
  #tracks;
  constructor(tracks = []) {
    this.#tracks = [...tracks];
  }
  getTracks() {
    return [...this.#tracks];
  }
  addTrack(track) {
    this.#tracks.push(track);
  }
}

/** Records every instance so tests can reach the pc the player created. */
export class FakePeerConnection extends FakeEventTarget {
  /** @type {FakePeerConnection[]} */
  static instances = [];
  static reset() {
    FakePeerConnection.instances = [];
  }

  config;
  connectionState = 'new';
  closed = false;
  transceivers = [];
  localDescription = null;
  remoteDescription = null;
  /** @type {FakeTrack[]} */
  receivedTracks = [];
  /** scripted getStats() result: an array of stats objects */
  statsEntries = [];

  constructor(config) {
    super();
    this.config = config;
    FakePeerConnection.instances.push(this);
  }

  addTransceiver(kind, init) {
    this.transceivers.push({ kind, direction: init?.direction });
  }

  async createOffer() {
    return { type: 'offer', sdp: `v=0\r\no=- fake-${FakePeerConnection.instances.indexOf(this)}\r\n` };
  }

  async setLocalDescription(desc) {
    this.localDescription = desc;
  }

  async setRemoteDescription(desc) {
    this.remoteDescription = desc;
  }

  getReceivers() {
    return this.receivedTracks.map((track) => ({ track }));
  }

  async getStats() {
    return new Map(this.statsEntries.map((s) => [s.id, s]));
  }

  close() {
    // Like browsers: close() changes the state but fires no connectionstatechange.
    this.closed = true;
    this.connectionState = 'closed';
  }

  /** Browser side: a connectionState change. */
  setConnectionState(state) {
    if (this.closed) return;
    this.connectionState = state;
    this.dispatch('connectionstatechange');
  }

  /**
   * Browser side: the remote audio track arrives, in `stream` (the answer gave it the video's msid) or alone.
   * Returns the track.
   */
  emitAudioTrack(stream = null) {
    const track = new FakeTrack('audio');
    this.receivedTracks.push(track);
    stream?.addTrack(track);
    this.dispatch('track', { track, streams: stream ? [stream] : [] });
    return track;
  }

  /** Browser side: the remote video track arrives. Returns the stream. */
  emitTrack({ withStream = true } = {}) {
    const track = new FakeTrack('video');
    this.receivedTracks.push(track);
    const stream = new FakeMediaStream([track]);
    this.dispatch('track', { track, streams: withStream ? [stream] : [] });
    return stream;
  }
}

export class FakeVideo extends FakeEventTarget {
  srcObject = null;
  /** canPlayType('application/vnd.apple.mpegurl') answers 'maybe' (Safari, iOS, Android's Chrome) */
  nativeHls = false;
  currentTime = 0;
  /** what video.buffered reports: [start, end] ranges in seconds */
  bufferedRanges = [];
  get buffered() {
    const r = this.bufferedRanges;
    return { length: r.length, start: (i) => r[i][0], end: (i) => r[i][1] };
  }
  loadCalls = 0;
  /** what getVideoPlaybackQuality() reports */
  playbackQuality = { totalVideoFrames: 0, droppedVideoFrames: 0 };
  /** @type {{ message: string } | null} */
  error = null;
  #src = '';
  muted = false;
  playsInline = false;
  autoplay = false;
  videoWidth = 0;
  videoHeight = 0;
  poster = '';
  style = {};
  attributes = new Map();
  removed = false;
  playCalls = 0;
  /** set to an Error to make play() reject */
  playError = null;
  #frameCallbacks = new Map();
  #nextHandle = 1;

  constructor({ rvfc = true } = {}) {
    super();
    if (!rvfc) this.requestVideoFrameCallback = undefined;
  }

  get src() {
    return this.#src;
  }

  set src(value) {
    this.#src = String(value);
    this.attributes.set('src', this.#src);
  }

  setAttribute(name, value) {
    if (name === 'src') this.src = value;
    else this.attributes.set(name, value);
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  removeAttribute(name) {
    this.attributes.delete(name);
    if (name === 'src') this.#src = '';
  }

  canPlayType(type) {
    return this.nativeHls && type === 'application/vnd.apple.mpegurl' ? 'maybe' : '';
  }

  /** Like the browser: reloading the (now empty) source drops the current frame. */
  load() {
    this.loadCalls++;
    this.videoWidth = 0;
    this.videoHeight = 0;
  }

  getVideoPlaybackQuality() {
    return { ...this.playbackQuality };
  }

  play() {
    this.playCalls++;
    return this.playError ? Promise.reject(this.playError) : Promise.resolve();
  }

  requestVideoFrameCallback(cb) {
    const h = this.#nextHandle++;
    this.#frameCallbacks.set(h, cb);
    return h;
  }

  cancelVideoFrameCallback(h) {
    this.#frameCallbacks.delete(h);
  }

  get pendingFrameCallbacks() {
    return this.#frameCallbacks.size;
  }

  remove() {
    this.removed = true;
  }

  /** Browser side: a frame was decoded and presented. */
  decodeFrame(width = 640, height = 360) {
    this.videoWidth = width;
    this.videoHeight = height;
    const callbacks = [...this.#frameCallbacks.values()];
    this.#frameCallbacks.clear();
    for (const cb of callbacks) cb(0, { width, height });
    this.dispatch('loadeddata');
    this.dispatch('playing');
  }
}

export class FakeDocument extends FakeEventTarget {
  visibilityState = 'visible';
  /** @type {object | null} */
  fullscreenElement = null;
  exitFullscreenCalls = 0;
  /** createElement('canvas') returns a drawable canvas (for the frozen-frame poster) */
  canvasSupport = false;
  /** @type {FakeVideo[]} */
  created = [];
  body = {
    children: [],
    appendChild: (el) => {
      this.body.children.push(el);
      el.remove = () => {
        el.removed = true;
        this.body.children = this.body.children.filter((c) => c !== el);
      };
    },
  };

  createElement(tag) {
    if (tag === 'video') {
      const v = new FakeVideo();
      this.created.push(v);
      return v;
    }
    if (tag === 'canvas' && this.canvasSupport) {
      const canvas = {
        tagName: tag, width: 0, height: 0, drawn: [],
        getContext: () => ({ drawImage: (source) => canvas.drawn.push(source) }),
        toDataURL: (type) => `data:${type};base64,FRAME`,
      };
      return canvas;
    }
    return { tagName: tag }; // no getContext: the poster freeze is skipped
  }

  setHidden(hidden) {
    this.visibilityState = hidden ? 'hidden' : 'visible';
    this.dispatch('visibilitychange');
  }

  exitFullscreen() {
    this.exitFullscreenCalls++;
    return Promise.resolve();
  }

  /** Browser side: an element entered (or, with null, left) fullscreen. */
  setFullscreen(element) {
    this.fullscreenElement = element;
    this.dispatch('fullscreenchange');
  }
}

/** The tile element around a FakeVideo: holds it, and records fullscreen requests. */
export class FakeTile extends FakeEventTarget {
  requestFullscreenCalls = 0;
  /** set to an Error to make requestFullscreen() reject, as without a user gesture */
  fullscreenError = null;

  /** @param {FakeVideo} video */
  constructor(video) {
    super();
    this.video = video;
    video.parentElement = this;
  }

  contains(element) {
    return element === this || element === this.video;
  }

  requestFullscreen() {
    this.requestFullscreenCalls++;
    return this.fullscreenError ? Promise.reject(this.fullscreenError) : Promise.resolve();
  }

  /** A click on a control inside the tile, found by its data-action. */
  clickAction(action) {
    const target = { closest: (selector) => (selector === `[data-action="${action}"]` ? target : null) };
    this.dispatch('click', { target });
  }
}

export class FakeIntersectionObserver {
  /** @type {FakeIntersectionObserver[]} */
  static instances = [];
  static reset() {
    FakeIntersectionObserver.instances = [];
    FakeIntersectionObserver.initiallyIntersecting = true;
  }

  callback;
  observed = new Set();
  disconnected = false;

  constructor(callback) {
    this.callback = callback;
    FakeIntersectionObserver.instances.push(this);
  }

  /** What the asynchronous initial report says (like the browser's first callback after observe()). */
  static initiallyIntersecting = true;

  observe(el) {
    this.observed.add(el);
    const initial = FakeIntersectionObserver.initiallyIntersecting;
    queueMicrotask(() => {
      if (!this.disconnected && this.observed.has(el)) this.callback([{ target: el, isIntersecting: initial }], this);
    });
  }

  unobserve(el) {
    this.observed.delete(el);
  }

  disconnect() {
    this.disconnected = true;
    this.observed.clear();
  }

  /** Browser side: report every observed element's intersection. */
  trigger(isIntersecting) {
    if (this.disconnected) return;
    this.callback([...this.observed].map((target) => ({ target, isIntersecting })), this);
  }
}

/**
 * Scriptable signal adapter. By default offers are answered at once with a fresh session id; `hold = true` keeps
 * answers pending until `resolveNext()` / `rejectNext()`; `failWith` rejects every offer.
 */
export class FakeSignal {
  offers = [];
  hangups = [];
  /** every signal.hls() call: { cameraId, quality } */
  hlsOpens = [];
  /** set to a function (cameraId, quality) => result to answer signal.hls() differently (e.g. an error result) */
  hlsResult = null;
  hold = false;
  /** @type {unknown} */
  failWith = null;
  #pending = [];
  #nextSession = 1;
  #nextHls = 1;

  /** @param {{ hls?: boolean }} [options]  hls: the adapter can open HLS sessions (else, like old hosts, it cannot) */
  constructor({ hls = false } = {}) {
    if (hls) {
      this.hls = async (cameraId, quality) => {
        this.hlsOpens.push({ cameraId, quality });
        if (this.hlsResult) return this.hlsResult(cameraId, quality);
        const sessionId = `h${this.#nextHls++}`;
        return { url: `/hls/${sessionId}/index.m3u8`, sessionId };
      };
    }
  }

  offer = (cameraId, quality, sdp) => {
    this.offers.push({ cameraId, quality, sdp });
    if (this.failWith) return Promise.reject(this.failWith);
    const sessionId = `s${this.#nextSession++}`;
    if (!this.hold) return Promise.resolve({ sdp: `answer-for-${sessionId}`, sessionId });
    return new Promise((resolve, reject) => this.#pending.push({ resolve, reject, sessionId }));
  };

  hangup = async (sessionId) => {
    this.hangups.push(sessionId);
  };

  resolveNext() {
    const p = this.#pending.shift();
    p.resolve({ sdp: `answer-for-${p.sessionId}`, sessionId: p.sessionId });
    return p.sessionId;
  }

  rejectNext(err) {
    this.#pending.shift().reject(err);
  }
}

/** hls.js stand-in: records what the player did and lets a test raise errors. */
export class FakeHls {
  /** @type {FakeHls[]} */
  static instances = [];
  static supported = true;
  static Events = Object.freeze({ ERROR: 'hlsError', FRAG_BUFFERED: 'hlsFragBuffered' });
  static isSupported() {
    return FakeHls.supported;
  }
  static reset() {
    FakeHls.instances = [];
    FakeHls.supported = true;
  }

  config;
  /** @type {Map<string, Function[]>} */
  handlers = new Map();
  media = null;
  source = null;
  destroyed = false;
  latency = 1.2;
  bandwidthEstimate = 2_000_000;
  /** @type {number | null} hls.js: live edge − target latency */
  liveSyncPosition = null;

  constructor(config) {
    this.config = config;
    FakeHls.instances.push(this);
  }

  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
  }

  attachMedia(video) {
    this.media = video;
    video.src = `blob:mse-${FakeHls.instances.indexOf(this)}`;
  }

  loadSource(url) {
    this.source = url;
  }

  /** Like hls.js: detaches from the element (src removed, load()) and drops every handler. */
  destroy() {
    this.destroyed = true;
    if (this.media) {
      this.media.removeAttribute('src');
      this.media.load();
      this.media = null;
    }
    this.handlers.clear();
  }

  /** hls.js side: a fragment (part) was appended to the SourceBuffer. */
  emitFragBuffered() {
    for (const fn of [...(this.handlers.get(FakeHls.Events.FRAG_BUFFERED) ?? [])]) fn(FakeHls.Events.FRAG_BUFFERED, {});
  }

  /** hls.js side: an ERROR event. */
  emitError(data) {
    for (const fn of [...(this.handlers.get(FakeHls.Events.ERROR) ?? [])]) fn(FakeHls.Events.ERROR, data);
  }
}

/** RTCRtpReceiver stand-in: the video codecs the browser could receive. */
export function fakeRtpReceiver(mimeTypes = ['video/VP8', 'video/H264', 'video/rtx']) {
  return { getCapabilities: (kind) => (kind === 'video' ? { codecs: mimeTypes.map((mimeType) => ({ mimeType })) } : null) };
}

/** Lets pending promise callbacks run (the player's async offer/answer chain is a few awaits deep). */
export async function flush() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A player environment wired to fresh fakes. */
export function makeEnv({ random = () => 0.5, intersection = true, hidden = false, hls = false } = {}) {
  FakePeerConnection.reset();
  FakeIntersectionObserver.reset();
  FakeHls.reset();
  const timers = new FakeTimers();
  const document = new FakeDocument();
  if (hidden) document.visibilityState = 'hidden';
  const window = new FakeEventTarget();
  const env = {
    RTCPeerConnection: FakePeerConnection,
    MediaStream: FakeMediaStream,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    now: timers.now,
    random,
    document,
    window,
    IntersectionObserver: intersection ? FakeIntersectionObserver : null,
    // A desktop Chromium: WebRTC with H.264, MSE, no native HLS (the video's canPlayType says so).
    RTCRtpReceiver: fakeRtpReceiver(),
    MediaSource: { isTypeSupported: (type) => /avc1/.test(type) },
    navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', vendor: 'Google Inc.' },
    Hls: FakeHls,
  };
  return {
    env, timers, document, window, signal: new FakeSignal({ hls }), pcs: FakePeerConnection.instances, hlsInstances: FakeHls.instances,
  };
}
