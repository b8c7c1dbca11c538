#!/usr/bin/python3
"""A real RTSP test camera for CamStudio's tests and benchmarks.

Serves two mounts through GStreamer's RTSP server, like a typical IP camera:
  /stream1  main stream (HD, default 1280x720)
  /stream2  sub stream  (SD, default 640x360)
--codec h265 makes both H.265 (x265enc, RFC 7798 payloads) instead of H.264, like a camera set to H.265.
--audio aac|pcma|pcmu adds a microphone track to both mounts (AAC-LC 16 kHz mono as RFC 3640, or G.711 at 8 kHz):
a tone, which the tests can hear as audio energy.
Every request needs credentials (basic, digest or both); wrong ones get a real 401.

Prints exactly one line "READY rtsp://HOST:PORT" on stdout once the server listens, then runs until
SIGTERM/SIGINT. Run it with Debian's /usr/bin/python3: another python3 on PATH may lack the gi module.

--pattern timestamp burns the wall-clock time (seconds) and the running time (milliseconds) into the
picture as text, for people watching.
--pattern stamp stamps each frame with its wall-clock capture time in milliseconds as a machine-readable band of
black/white blocks (see stamp_band below; bench/browser/stamp-decoder.js reads it back from a decoded frame) over
a noise background that keeps the encoder at its configured bitrate, like a real camera.
--keyframe-on-play makes every RTSP session start with a key frame, as most real cameras do: when a client's PLAY
arrives, the mount's encoder is asked for a key unit at once (all clients of the shared mount get it). Without it a
new client joins mid-GOP and waits up to --gop-seconds for the next key frame.
--pattern sync (with --audio) is the lip-sync pattern: the picture turns white and a 1 kHz beep starts at the same
media time, every SYNC_PERIOD_S seconds (black and silence for the other half), both switched by one controller
clock on the sources' own timestamps, so the camera itself is in sync to the frame (AAC's encoder delay compensated).
"""

import argparse
import ctypes
import os
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstController", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstController, GstRtsp, GstRtspServer, GstVideo  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description="RTSP test camera (GStreamer)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8554)
    p.add_argument("--user", default="admin")
    p.add_argument("--password", default="secret")
    p.add_argument("--auth", choices=["basic", "digest", "both"], default="both")
    p.add_argument("--hd", default="1280x720", help="WxH of /stream1")
    p.add_argument("--sd", default="640x360", help="WxH of /stream2")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--gop-seconds", type=float, default=2.0, help="seconds between key frames")
    p.add_argument("--bitrate", type=int, default=2000, help="kbit/s of /stream1 (/stream2 gets a quarter)")
    p.add_argument("--profile", choices=["baseline", "main", "high"], default="high")
    p.add_argument("--pattern", choices=["clock", "timestamp", "stamp", "sync"], default="clock",
                   help="clock: test pattern + clock overlay; timestamp: black picture with wall-clock and running time "
                        "as text; stamp: wall-clock ms as a machine-readable block band over noise; sync: white flash "
                        "and beep together (needs --audio)")
    p.add_argument("--stamp-log", help="with --pattern stamp: append '<mount> <stamp>' for every frame to this file")
    p.add_argument("--codec", choices=["h264", "h265"], default="h264", help="video codec of both mounts")
    p.add_argument("--sd-codec", choices=["h264", "h265"],
                   help="video codec of /stream2 only (default: --codec), like a camera with H.265 main and H.264 sub")
    p.add_argument("--audio", choices=["none", "aac", "pcma", "pcmu"], default="none",
                   help="add a microphone track (a 440 Hz tone) in this codec")
    p.add_argument("--keyframe-on-play", action="store_true",
                   help="start every RTSP session with a key frame (force a key unit when a client's PLAY arrives)")
    args = p.parse_args(argv)
    if args.pattern == "stamp" and args.audio != "none":
        # The stamp frames come from Python at their own pace; a live audio branch beside them makes the RTSP
        # server's PLAY fail (503). The latency benchmark needs no sound.
        p.error("--pattern stamp cannot be combined with --audio")
    if args.pattern == "sync" and args.audio == "none":
        p.error("--pattern sync needs --audio (the beep)")
    return args


def size(text):
    w, h = text.lower().split("x", 1)
    return int(w), int(h)


def launch_line(args, width, height, bitrate, codec):
    key_int = max(1, int(round(args.fps * args.gop_seconds)))
    if args.pattern == "stamp":
        # Frames come from Python (StampSource), stamped when they are handed to the encoder. The queue keeps at most
        # two frames and drops the oldest, so a stalled pipeline never delivers stale stamps later.
        source = (f'appsrc name={STAMP_SOURCE_NAME} is-live=true format=time do-timestamp=true '
                  f'leaky-type=downstream max-buffers=2 '
                  f'caps="video/x-raw,format=I420,width={width},height={height},framerate={args.fps}/1"')
        # scenecut=0: every noise frame looks like a scene cut, and x264 would insert a key frame every min-keyint
        # (10 frames) instead of keeping the GOP the benchmark asks for.
        return (
            f"( {source} "
            f"! {encoder(args, codec, key_int, bitrate, no_scenecut=True)}{audio_branch(args)} )"
        )
    if args.pattern == "sync":
        # A solid picture whose colour the controller switches between black and white (attach_sync_controllers);
        # no overlay, so the only change in the picture is the flash.
        return (
            f"( videotestsrc name={SYNC_VIDEO_NAME} is-live=true pattern=solid-color foreground-color=0xff000000 "
            f"! video/x-raw,width={width},height={height},framerate={args.fps}/1 ! videoconvert "
            f"! {encoder(args, codec, key_int, bitrate)}{audio_branch(args)} )"
        )
    if args.pattern == "timestamp":
        # Black background, big monospace wall-clock time (top) and stream running time with milliseconds
        # (bottom): a benchmark reading a decoded frame can tell how old it is. clockoverlay itself only
        # has second resolution, hence the running-time line.
        source = "videotestsrc is-live=true pattern=black"
        overlay = ('clockoverlay time-format="%H:%M:%S" halignment=left valignment=top font-desc="Monospace 32" '
                   '! timeoverlay halignment=left valignment=bottom font-desc="Monospace 32" '
                   'time-mode=running-time')
    else:
        source = "videotestsrc is-live=true"
        overlay = 'clockoverlay halignment=right valignment=bottom font-desc="Sans 24" shaded-background=true'
    return (
        f"( {source} ! video/x-raw,width={width},height={height},framerate={args.fps}/1 "
        f"! videoconvert ! {overlay} ! videoconvert "
        f"! {encoder(args, codec, key_int, bitrate)}{audio_branch(args)} )"
    )


ENCODER_NAME = "venc"


def encoder(args, codec, key_int, bitrate, no_scenecut=False):
    """The video encoder and RTP payloader (pay0) of a mount, in the codec the camera is set to for it."""
    if codec == "h265":
        # x265 speaks the same zero-latency language; Main profile is what H.265 cameras send.
        options = ' option-string="scenecut=0"' if no_scenecut else ""
        return (f"x265enc name={ENCODER_NAME} tune=zerolatency speed-preset=veryfast key-int-max={key_int} bitrate={bitrate}{options} "
                f"! video/x-h265,profile=main "
                f"! rtph265pay name=pay0 pt=96 config-interval=1")
    options = ' option-string="scenecut=0"' if no_scenecut else ""
    return (f"x264enc name={ENCODER_NAME} tune=zerolatency speed-preset=veryfast key-int-max={key_int} bitrate={bitrate}{options} "
            f"! video/x-h264,profile={args.profile} "
            f"! rtph264pay name=pay0 pt=96 config-interval=1")


def audio_branch(args):
    """A second branch (pay1) of the same launch line: the camera's microphone, or nothing."""
    if args.audio == "none":
        return ""
    tone = "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 ! audioconvert ! audioresample"
    if args.pattern == "sync":
        # The beep: 1 kHz, switched on and off by the controller with the flash. 10 ms buffers, because a control
        # value is applied per buffer: the default 1024 samples would start the beep up to 64 ms late.
        rate = 16000 if args.audio == "aac" else 8000
        tone = (f"audiotestsrc name={SYNC_AUDIO_NAME} is-live=true wave=sine freq=1000 volume=0 "
                f"samplesperbuffer={rate // 100} ! audioconvert ! audioresample")
    if args.audio == "aac":
        return (f" {tone} ! audio/x-raw,rate=16000,channels=1 ! voaacenc bitrate=32000 "
                f"! rtpmp4gpay name=pay1 pt=97")
    if args.audio == "pcma":
        return f" {tone} ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8"
    return f" {tone} ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0"


# ---- the machine-readable stamp (--pattern stamp) ------------------------------------------------------------------
#
# The top of the luma plane carries STAMP_BITS cells in two rows, each cell a square of `cell` = width // STAMP_BITS
# pixels (40 px at 1280 wide, 20 px at 640): the top row shows the value's bits MSB first (white = 1), the row below
# the complement. A reader compares each cell with the one under it, so it needs no threshold and notices a damaged
# cell (both rows alike) instead of misreading it. The value is the capture time in ms since the epoch modulo 2^32
# (wraps every 49.7 days; readers compare modulo 2^32). Blocks of 20-40 px at full contrast survive H.264 at a
# quarter of 2 Mbit/s; the noise elsewhere keeps the bitrate realistic (a black picture would make the GOP cache tiny).

STAMP_BITS = 32
STAMP_SOURCE_NAME = "stampsrc"
LUMA_BLACK = 16
LUMA_WHITE = 235
NOISE_FRAMES = 8
_stamp_log_lock = threading.Lock()


def stamp_band(value, width):
    """The two luma rows of cells (2 * cell rows of `width` bytes) that encode `value`."""
    cell = width // STAMP_BITS
    left = (width - cell * STAMP_BITS) // 2
    margin_left = bytes([LUMA_BLACK]) * left
    margin_right = bytes([LUMA_BLACK]) * (width - left - cell * STAMP_BITS)
    white = bytes([LUMA_WHITE]) * cell
    black = bytes([LUMA_BLACK]) * cell
    bits = [(value >> (STAMP_BITS - 1 - i)) & 1 for i in range(STAMP_BITS)]
    top = margin_left + b"".join(white if b else black for b in bits) + margin_right
    bottom = margin_left + b"".join(black if b else white for b in bits) + margin_right
    return top * cell + bottom * cell


class StampSource:
    """Feeds one appsrc with I420 frames at the configured rate, each stamped with the wall clock when it is made."""

    def __init__(self, appsrc, width, height, fps, mount, log):
        self._appsrc = appsrc
        self._width = width
        self._height = height
        self._fps = fps
        self._mount = mount
        self._log = log
        self._stop = threading.Event()
        band_rows = 2 * (width // STAMP_BITS)
        below = width * (height - band_rows)
        chroma = bytes([128]) * (2 * (width // 2) * (height // 2))
        # A few frames of independent noise, cycled: each frame differs from the last, so the encoder spends its budget.
        self._backgrounds = [os.urandom(below) + chroma for _ in range(NOISE_FRAMES)]
        self._thread = threading.Thread(target=self._run, name=f"stamp{mount}", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()

    def _run(self):
        period = 1.0 / self._fps
        due = time.monotonic()
        n = 0
        while not self._stop.is_set():
            stamp = int(time.time() * 1000) & 0xFFFFFFFF
            data = stamp_band(stamp, self._width) + self._backgrounds[n % NOISE_FRAMES]
            buf = Gst.Buffer.new_wrapped(data)
            buf.duration = Gst.SECOND // self._fps
            # FLUSHING until the media's pipeline is activated (media-configure comes before that): keep going, only
            # the media's 'unprepared' signal ends a source.
            if self._appsrc.emit("push-buffer", buf) == Gst.FlowReturn.EOS:
                return
            if self._log is not None:
                with _stamp_log_lock:
                    self._log.write(f"{self._mount} {stamp}\n")
                    self._log.flush()
            n += 1
            due += period
            now = time.monotonic()
            if due < now - period:
                due = now  # fell behind (CPU starved): skip ahead instead of bursting stale frames
            self._stop.wait(max(0.0, due - now))


def attach_stamp_source(factory, mount, width, height, fps, log):
    def on_configure(_factory, media):
        appsrc = media.get_element().get_by_name(STAMP_SOURCE_NAME)
        source = StampSource(appsrc, width, height, fps, mount, log)
        media.connect("unprepared", lambda *_: source.stop())
        source.start()

    factory.connect("media-configure", on_configure)


# ---- the lip-sync pattern (--pattern sync) ---------------------------------------------------------------------------
#
# One square wave, applied to both sources as a control binding: it sets the picture's colour (black/white) for each
# video frame and the tone's volume (0/0.5) for each 10 ms audio buffer, from that buffer's own timestamp. The video and
# audio sources run on the same pipeline clock from running time 0, so a white frame and the beep's first sample carry
# the same media time (the flash starts on a frame boundary: SYNC_PERIOD_S / 2 is a whole number of frames at 25 fps).
# A viewer that plays them in sync sees the flash and hears the beep together.

SYNC_PERIOD_S = 1.6
# voaacenc at 16 kHz mono: 1600 samples from input to decoded output (measured through RTSP and FFmpeg's decoder with
# bench/browser/flash-beep.mjs: the AAC pair sat 99-101 ms later than the PCMA pair of the same pattern).
AAC_ENCODER_DELAY_S = 0.1
SYNC_VIDEO_NAME = "syncvideo"
SYNC_AUDIO_NAME = "syncaudio"


def square_wave(high):
    """A control source switching between 0 and `high` (0..1 of the property's range) every SYNC_PERIOD_S / 2."""
    source = GstController.LFOControlSource()
    source.set_property("waveform", GstController.LFOWaveform.SQUARE)
    source.set_property("frequency", 1.0 / SYNC_PERIOD_S)
    source.set_property("amplitude", high / 2)
    source.set_property("offset", high / 2)
    return source


def attach_sync_controllers(factory, fps, audio):
    # The AAC encoder's output starts AAC_ENCODER_DELAY after its input (priming), so a decoder hears the beep that much
    # after its timestamp says: start the AAC beep that much earlier (a shift by the period minus the delay, as the wave
    # repeats), so what a player hears coincides with the flash, as on a camera that compensates its encoder.
    audio_lead = int((SYNC_PERIOD_S - AAC_ENCODER_DELAY_S) * Gst.SECOND) if audio == "aac" else 0

    def on_configure(_factory, media):
        pipeline = media.get_element()
        video = pipeline.get_by_name(SYNC_VIDEO_NAME)
        audio = pipeline.get_by_name(SYNC_AUDIO_NAME)
        # A direct binding maps 0..1 onto the property's range: foreground-color 0xAARRGGBB 1 is opaque white and 0 is
        # black (alpha does not matter in an I420 picture); volume 0.5 is half scale, like the other patterns' tone.
        flash, beep = square_wave(1.0), square_wave(0.5)
        video.add_control_binding(GstController.DirectControlBinding.new(video, "foreground-color", flash))
        audio.add_control_binding(GstController.DirectControlBinding.new(audio, "volume", beep))

        # A live source's frames sit on a grid that starts wherever the clock was when it started, and the picture can
        # only turn white on a frame: shift both waves onto the frame grid, so the flash and the beep (10 ms buffers)
        # start at the same media time instead of up to a frame apart. The shift is the rest of the frame after the
        # first frame's phase (frame - pts % frame): measured through RTSP and FFmpeg, that lands the pair within a frame
        # or so (0 to -42 ms over 17 runs), where the phase itself (pts % frame) left the beep up to two frames early.
        def on_first_frame(_pad, info):
            frame = Gst.SECOND // fps
            shift = (frame - info.get_buffer().pts % frame) % frame
            flash.set_property("timeshift", shift)
            beep.set_property("timeshift", (shift + audio_lead) % int(SYNC_PERIOD_S * Gst.SECOND))
            return Gst.PadProbeReturn.REMOVE

        video.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_first_frame)

        # RTCP sender reports must map RTP time to the capture time, as a camera's do: by default GStreamer maps it to
        # the send time, which puts the video behind the audio by the encoder's delay (more at 720p than at 360p).
        def on_element_added(_bin, element):
            if element.find_property("rtcp-sync-send-time") is not None:
                element.set_property("rtcp-sync-send-time", False)

        media.get_element().get_parent().connect("element-added", on_element_added)

    factory.connect("media-configure", on_configure)


# ---- key frame at the start of every session (--keyframe-on-play) ---------------------------------------------------
#
# Real cameras answer a new RTSP session with an IDR (most encode one per new client, or keep the stream's start
# for it). The shared GStreamer mount would otherwise hand a new client whatever frame comes next, mid-GOP. The
# RTSP server emits "play-request" after the PLAY response, once the session's transport is linked, so the key unit
# asked for here is the session's first frame (or close to it: at most the frame already in the encoder).

def attach_keyframe_on_play(server, factories):
    medias = {}

    def on_configure(factory, media):
        medias[factory] = media
        media.connect("unprepared", lambda m: medias.pop(factory, None) if medias.get(factory) is m else None)

    for factory in factories:
        factory.connect("media-configure", on_configure)

    def on_play(client, ctx):
        media = getattr(ctx, "media", None)
        targets = [media] if media is not None else list(medias.values())
        for m in targets:
            force_key_unit(m)

    server.connect("client-connected", lambda _server, client: client.connect("play-request", on_play))


def force_key_unit(media):
    encoder_element = media.get_element().get_by_name(ENCODER_NAME)
    if encoder_element is None:
        return
    # An upstream event, so it enters at the encoder's source pad (where a downstream element would send it).
    event = GstVideo.video_event_new_upstream_force_key_unit(Gst.CLOCK_TIME_NONE, True, 0)
    encoder_element.get_static_pad("src").send_event(event)


def set_supported_methods(auth, which):
    if which == "basic":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    elif which == "digest":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        # GstRTSPAuthMethod is used as a bit set in C, but introspection exposes it as a plain enum and
        # PyGObject refuses the value BASIC|DIGEST, so call the C function directly on the object pointer.
        lib = ctypes.CDLL("libgstrtspserver-1.0.so.0")
        lib.gst_rtsp_auth_set_supported_methods.argtypes = [ctypes.c_void_p, ctypes.c_int]
        get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
        get_pointer.restype = ctypes.c_void_p
        get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        pointer = get_pointer(auth.__gpointer__, None)
        lib.gst_rtsp_auth_set_supported_methods(
            pointer, int(GstRtsp.RTSPAuthMethod.BASIC) | int(GstRtsp.RTSPAuthMethod.DIGEST))


def build_server(args):
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))

    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
    if args.auth in ("basic", "both"):
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    if args.auth in ("digest", "both"):
        auth.add_digest(args.user, args.password, token)
    set_supported_methods(auth, args.auth)
    server.set_auth(auth)

    mounts = server.get_mount_points()
    factories = []
    log = open(args.stamp_log, "a", encoding="ascii") if args.stamp_log else None
    for path, dims, bitrate, codec in (("/stream1", size(args.hd), args.bitrate, args.codec),
                                       ("/stream2", size(args.sd), max(100, args.bitrate // 4), args.sd_codec or args.codec)):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch_line(args, dims[0], dims[1], bitrate, codec))
        # One encoder per mount however many clients watch, as on a real camera.
        factory.set_shared(True)
        if args.pattern == "stamp":
            attach_stamp_source(factory, path, dims[0], dims[1], args.fps, log)
        if args.pattern == "sync":
            attach_sync_controllers(factory, args.fps, args.audio)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
        mounts.add_factory(path, factory)
        factories.append(factory)
    if args.keyframe_on_play:
        attach_keyframe_on_play(server, factories)
    return server


def main(argv):
    args = parse_args(argv)
    Gst.init(None)
    server = build_server(args)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        print(f"failed to listen on {args.host}:{args.port}", file=sys.stderr, flush=True)
        return 1

    # PyGObject wakes the running main loop for Python signal handlers, so a stop request quits it promptly and
    # the process exits 0 (tests tell a clean stop from a crash by that).
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    signal.signal(signal.SIGINT, lambda *_: loop.quit())
    print(f"READY rtsp://{args.host}:{server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
