// Where a late join's time to first frame went (issue 16): pure arithmetic over what the bench page reports, kept
// apart from ttff.mjs so its test runs without the browser packages (scripts/test.sh runs bench/browser/test first).

const span = (a, b) => (a === null || a === undefined || b === null || b === undefined ? null : b - a);

/**
 * Where a join's first picture spent its time (ms, each step from the previous one; null when not seen):
 *   signalling  offer → answer (the HTTP round trip and the server's offer handling)
 *   ice         answer → ICE connected (Chromium's first connectivity check answered by the ICE-lite server)
 *   dtls        ICE → DTLS connected (connectionState 'connected': handshake done, SRTP keys in place)
 *   media       DTLS → the last packet of the first shown frame received (requestVideoFrameCallback's receiveTime):
 *               the server subscribes the viewer and replays the cached GOP from its key frame; on a cold start
 *               also FFmpeg's start and the camera's first key frame
 *   decode      that packet → frame decoded (the callback's processingDuration)
 *   render      decoded → the first requestVideoFrameCallback (the picture on screen)
 * The steps add up to offer → first frame. Also: `firstPacketPolled` (DTLS → first RTP packet as getStats saw it,
 * polled every 10 ms, so coarse under load), `replayFrames` (frames in the replayed GOP, from the first picture's
 * stamp age and the camera's frame rate), `replayReceivedAfterPacket` (first packet → all of them assembled, polled),
 * and the receiver's frames received / decoded when the first picture was presented.
 */
export function splitJoin(r, fps = 25) {
  const meta = r.firstFrameMeta ?? {};
  const received = meta.receiveTime ?? r.firstFrameReceived ?? null;
  const decoded = received !== null && Number.isFinite(meta.processingMs) ? received + meta.processingMs : null;
  const ageAtOffer = Number.isFinite(r.firstFrameAge) ? r.firstFrameAge - (r.firstFrame - r.offer) : null;
  const replayFrames = ageAtOffer === null ? null : Math.max(1, Math.floor((ageAtOffer * fps) / 1000) + 1);
  const replayDone = replayFrames === null ? null : (r.received ?? []).find((x) => x[1] >= replayFrames)?.[0] ?? null;
  return {
    signalling: span(r.offer, r.answer),
    ice: span(r.answer, r.iceConnected),
    dtls: span(r.iceConnected, r.dtlsConnected),
    media: span(r.dtlsConnected, received),
    decode: span(received, decoded),
    render: span(decoded, r.firstFrame),
    firstPacketPolled: span(r.dtlsConnected, r.firstPacket),
    replayFrames,
    replayReceivedAfterPacket: span(r.firstPacket, replayDone),
    framesReceivedAtFirstFrame: r.countersAtFirstFrame?.framesReceived ?? null,
    framesDecodedAtFirstFrame: r.countersAtFirstFrame?.framesDecoded ?? null,
    nacksAtFirstFrame: r.countersAtFirstFrame?.nackCount ?? null,
    pliAtFirstFrame: r.countersAtFirstFrame?.pliCount ?? null,
  };
}

/** The steps of splitJoin that add up to offer → first frame, in order. */
export const SPLIT_STEPS = ['signalling', 'ice', 'dtls', 'media', 'decode', 'render'];
