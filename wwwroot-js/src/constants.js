// Timing constants of the player, in one place so the README, the tests and the code agree.

/** First reconnect delay; doubles per consecutive failed attempt. */
export const RECONNECT_BASE_DELAY_MS = 500;
/** Ceiling of the reconnect delay, so a camera that comes back is picked up within ~10 s. */
export const RECONNECT_MAX_DELAY_MS = 10_000;
/** Fraction of each delay taken off at random, so many tiles of one camera do not reconnect in lockstep. */
export const RECONNECT_JITTER_RATIO = 0.2;
/** Being live this long counts as a success: the next failure starts the backoff from the base delay again. */
export const STABLE_LIVE_MS = 10_000;
/** Offer → answer → ICE → DTLS must reach 'connected' within this (and the first frame too, if it comes first), or the attempt is abandoned. */
export const CONNECT_TIMEOUT_MS = 15_000;
/**
 * Once connected, how long to wait for the first decoded frame. The session is already attached to the camera's stream
 * and shows its first frame the moment the camera sends one, so a new attempt would only repeat the handshake. A camera
 * starting cold on a loaded machine (FFmpeg start, RTSP setup, the camera's next keyframe) can take longer than
 * CONNECT_TIMEOUT_MS; abandoning the session then made a tile start over just before its picture arrived, again and again.
 */
export const FIRST_FRAME_TIMEOUT_MS = 45_000;
/** 'disconnected' often heals by itself (Wi-Fi roam, a lost consent check); only this long a 'disconnected' is a failure. */
export const DISCONNECT_GRACE_MS = 3_000;
/** Off-screen / hidden-tab tiles stop watching only after this, so scroll jitter does not churn sessions. */
export const HIDDEN_TEARDOWN_DELAY_MS = 2_000;
/** Stats sampling period while live (also drives stall detection). */
export const STATS_INTERVAL_MS = 1_000;
/** Live with no new decoded frame for this long (camera died, server stream restarting) → reconnect. */
export const STALL_TIMEOUT_MS = 8_000;
/**
 * Transport 'auto': WebRTC that has not reached ICE/DTLS 'connected' this long after the answer was applied is given up for
 * HLS. A reachable server connects in well under a second on a LAN and in one or two round trips through TURN; a
 * firewall that drops UDP never answers, and the acceptance goal is a decoded HLS picture within 6 s of opening the page.
 */
export const WEBRTC_FALLBACK_TIMEOUT_MS = 3_000;
/** While 'auto' plays HLS, WebRTC is tried again in the background this often (the network may have changed). */
export const WEBRTC_RETRY_INTERVAL_MS = 120_000;
/**
 * An HLS attempt's wait for its first decoded frame. Like FIRST_FRAME_TIMEOUT_MS: the session is already attached to the
 * camera's stream (a cold camera takes a while), and hls.js reports real failures as errors long before this.
 */
export const HLS_FIRST_FRAME_TIMEOUT_MS = 45_000;
/**
 * HLS: a player this far (seconds) behind hls.js's live sync position, with the data up to it already buffered, jumps
 * there instead of catching up at 1.5×. It starts at the last key frame before the live edge (up to a whole GOP back:
 * 4 s with many cameras); without the jump the first seconds would be shown that late.
 */
export const HLS_LIVE_JUMP_THRESHOLD_S = 1;
