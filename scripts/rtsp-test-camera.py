#!/usr/bin/python3
"""A real RTSP test camera for CamStudio's tests and benchmarks.

Serves two H.264 mounts through GStreamer's RTSP server, like a typical IP camera:
  /stream1  main stream (HD, default 1280x720)
  /stream2  sub stream  (SD, default 640x360)
Every request needs credentials (basic, digest or both); wrong ones get a real 401.

Prints exactly one line "READY rtsp://HOST:PORT" on stdout once the server listens, then runs until
SIGTERM/SIGINT. Run it with Debian's /usr/bin/python3: another python3 on PATH may lack the gi module.

--pattern timestamp burns the wall-clock time (seconds) and the running time (milliseconds) into the
picture as text, for later latency benchmarks.
"""

import argparse
import ctypes
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


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
    p.add_argument("--pattern", choices=["clock", "timestamp"], default="clock",
                   help="clock: test pattern + clock overlay; timestamp: black picture with wall-clock and running time as text")
    return p.parse_args(argv)


def size(text):
    w, h = text.lower().split("x", 1)
    return int(w), int(h)


def launch_line(args, width, height, bitrate):
    key_int = max(1, int(round(args.fps * args.gop_seconds)))
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
        f"! x264enc tune=zerolatency speed-preset=veryfast key-int-max={key_int} bitrate={bitrate} "
        f"! video/x-h264,profile={args.profile} "
        f"! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )


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
    for path, dims, bitrate in (("/stream1", size(args.hd), args.bitrate),
                                ("/stream2", size(args.sd), max(100, args.bitrate // 4))):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch_line(args, dims[0], dims[1], bitrate))
        # One encoder per mount however many clients watch, as on a real camera.
        factory.set_shared(True)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
        mounts.add_factory(path, factory)
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
