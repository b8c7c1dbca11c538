// Turns an RTCStatsReport into the few numbers the tile's stats overlay shows.

/**
 * @typedef {Object} StatsSummary
 * @property {number} timestamp         ms (the stats' own clock)
 * @property {number} width             decoded frame width, 0 before the first frame
 * @property {number} height
 * @property {number} fps               framesPerSecond as reported by the browser
 * @property {number} bitrateKbps       from the bytesReceived delta since the previous sample; 0 on the first sample
 * @property {number} bytesReceived
 * @property {number} packetsLost
 * @property {number} jitterBufferMs    average jitter buffer delay per emitted frame (over the last interval when possible)
 * @property {number} framesDecoded
 * @property {number} framesDropped
 * @property {number} freezeCount
 * @property {number} nackCount
 * @property {number} pliCount
 * @property {string} codec             e.g. 'video/H264', '' when unknown
 */

/** @param {unknown} v */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Finds the inbound video RTP stats in a report (an RTCStatsReport or any Map-like with values()).
 * @param {{ values(): Iterable<any> } | Iterable<any>} report
 */
export function findInboundVideo(report) {
  const values = typeof (/** @type {any} */ (report).values) === 'function' ? /** @type {any} */ (report).values() : report;
  for (const s of values) {
    if (s.type === 'inbound-rtp' && (s.kind ?? s.mediaType) === 'video') return s;
  }
  return undefined;
}

/**
 * @param {{ values(): Iterable<any>, get?(id: string): any }} report
 * @param {StatsSummary & { jitterBufferDelay?: number, jitterBufferEmittedCount?: number } | null} previous
 *        the previous summary of the same connection, for rates
 * @returns {StatsSummary & { jitterBufferDelay: number, jitterBufferEmittedCount: number } | null}
 *        null when there is no inbound video yet
 */
export function summarizeStats(report, previous) {
  const s = findInboundVideo(report);
  if (!s) return null;
  const timestamp = num(s.timestamp);
  const bytesReceived = num(s.bytesReceived);
  const jitterBufferDelay = num(s.jitterBufferDelay); // seconds, cumulative
  const jitterBufferEmittedCount = num(s.jitterBufferEmittedCount); // cumulative

  let bitrateKbps = 0;
  let jitterBufferMs = jitterBufferEmittedCount > 0 ? (jitterBufferDelay / jitterBufferEmittedCount) * 1000 : 0;
  if (previous && timestamp <= previous.timestamp && bytesReceived >= previous.bytesReceived) {
    // The same (browsers cache reports for a moment) or an older report, e.g. the overlay and the stats loop asking
    // at once: no new interval to measure, the previous rates still hold.
    bitrateKbps = previous.bitrateKbps;
    jitterBufferMs = previous.jitterBufferMs;
  } else if (previous && timestamp > previous.timestamp && bytesReceived >= previous.bytesReceived) {
    const seconds = (timestamp - previous.timestamp) / 1000;
    bitrateKbps = ((bytesReceived - previous.bytesReceived) * 8) / seconds / 1000;
    const emitted = jitterBufferEmittedCount - num(previous.jitterBufferEmittedCount);
    if (emitted > 0) jitterBufferMs = ((jitterBufferDelay - num(previous.jitterBufferDelay)) / emitted) * 1000;
  }

  const codec = s.codecId && typeof report.get === 'function' ? report.get(s.codecId)?.mimeType ?? '' : '';
  return {
    timestamp,
    width: num(s.frameWidth),
    height: num(s.frameHeight),
    fps: num(s.framesPerSecond),
    bitrateKbps: Math.round(bitrateKbps * 10) / 10,
    bytesReceived,
    packetsLost: num(s.packetsLost),
    jitterBufferMs: Math.round(jitterBufferMs * 10) / 10,
    jitterBufferDelay,
    jitterBufferEmittedCount,
    framesDecoded: num(s.framesDecoded),
    framesDropped: num(s.framesDropped),
    freezeCount: num(s.freezeCount),
    nackCount: num(s.nackCount),
    pliCount: num(s.pliCount),
    codec,
  };
}
