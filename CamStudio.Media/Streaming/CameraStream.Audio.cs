using CamStudio.Media.Audio;
using CamStudio.Media.Ffmpeg;

namespace CamStudio.Media.Streaming;

// A camera stream's audio: what its FFmpeg is asked to send, and what each run teaches about the camera's microphone.
// The lifecycle is in CameraStream.cs.
public sealed partial class CameraStream
{
    private AudioCodec? _audioPlan;
    private bool _hlsAudioPlanned;
    private AacConfig? _hlsAudioConfig;

    /// <summary>
    /// The camera's AAC copied untouched for LL-HLS (a third FFmpeg output while audio is on and the camera has not
    /// shown another codec); silent until a run has described its audio as AAC-LC.
    /// </summary>
    public AudioRtpSource HlsAudioSource { get; }

    /// <summary>The running FFmpeg's AAC-LC as it described it; null when HLS carries no audio.</summary>
    public AacConfig? HlsAudioConfig { get { lock (_lock) { return _hlsAudioConfig; } } }

    /// <summary>What sessions subscribe to for sound; one per stream for its whole life, silent while audio is off.</summary>
    public AudioRtpSource AudioSource { get; }

    /// <summary>
    /// What the next FFmpeg run sends the camera's audio as: null when the camera's Audio setting is off (or it turned
    /// out to have no microphone), Opus until a run has shown the camera sends G.711, then that G.711 untouched.
    /// </summary>
    public AudioCodec? AudioPlan { get { lock (_lock) { return _audioPlan; } } }

    private AudioCodec? InitialAudioPlan(CameraFeed feed)
    {
        // The first run cannot know the camera's codec before FFmpeg has opened it, and Opus takes anything.
        AudioCodec? plan = feed.Audio && feed.Kind == CameraFeedKind.Rtsp ? AudioCodec.Opus : null;
        lock (_lock)
        {
            _audioPlan = plan;
            // The copy for HLS from the first run: most cameras send AAC, copying is nearly free, and waiting for a
            // run to show the codec would leave HLS viewers without sound until FFmpeg restarts.
            _hlsAudioPlanned = plan is not null;
            _hlsAudioConfig = null; // what an earlier run described: this feed's runs have to say it again
        }

        HlsAudioSource.SetCodec(null);
        Hls?.AudioConfig = null;

        // Nothing runs yet (or a reconfigure restarts it): offers until the next launch negotiate this.
        AudioSource.SetCodec(plan);
        return plan;
    }

    private IReadOnlyList<string> BuildArguments(CameraFeed feed, AudioCodec? audio, out IReadOnlyList<string?> secrets)
    {
        bool hls;
        lock (_lock)
        {
            hls = _hlsAudioPlanned;
        }

        // With audio, FFmpeg's sender reports for the video, the WebRTC audio and the HLS audio come to the sources' own
        // RTCP ports: they place the sound on the camera's one timeline for the sessions' sender reports and for the
        // HLS packager (lip sync).
        return CameraStreamArguments.Build(feed, Quality, Source.Port,
            audio is { } codec ? new AudioOutput(AudioSource.Port, codec, AudioSource.RtcpPort) : null,
            audio is not null && hls ? new AudioOutput(HlsAudioSource.Port, AudioCodec.Aac, HlsAudioSource.RtcpPort) : null, out secrets,
            videoRtcpPort: audio is not null ? Source.RtcpPort : 0);
    }

    /// <summary>
    /// FFmpeg described the camera's audio: AAC-LC goes to HLS as is (the packager builds its mp4a entry from the
    /// rate and channels); anything else means the copy is useless, so the next run leaves it out.
    /// </summary>
    private void OnInputAudioLine(FfmpegSupervisor supervisor, CameraFeed feed, string line)
    {
        AacConfig? config = AacConfig.TryParseFfmpegStreamLine(line, out AacConfig aac) ? aac : null;
        bool dropCopy;
        lock (_lock)
        {
            if (!ReferenceEquals(_supervisor, supervisor))
            {
                return;
            }

            config = _hlsAudioPlanned ? config : null;
            _hlsAudioConfig = config;
            dropCopy = _hlsAudioPlanned && config is null && !line.Contains(": Audio: aac", StringComparison.Ordinal);
            _hlsAudioPlanned &= !dropCopy;
        }

        // Before FFmpeg's first packet: the source forwards only once it knows what it receives.
        HlsAudioSource.SetCodec(config is null ? null : AudioCodec.Aac);
        Hls?.AudioConfig = config;
        if (dropCopy)
        {
            supervisor.ReplaceArguments(BuildArguments(feed, AudioPlan, out _));
        }
    }

    private void WireAudio(FfmpegSupervisor supervisor, CameraFeed feed, AudioCodec? plan)
    {
        if (plan is null)
        {
            return;
        }

        supervisor.InputAudioLine = line => OnInputAudioLine(supervisor, feed, line);
        supervisor.InputAudioDescribed = ffmpegName =>
        {
            AudioCodec current;
            lock (_lock)
            {
                if (!ReferenceEquals(_supervisor, supervisor) || _audioPlan is not { } p)
                {
                    return;
                }

                current = p;
            }

            AudioCodec wanted = AudioCodecNames.TryPassThrough(ffmpegName, out AudioCodec g711) ? g711 : AudioCodec.Opus;
            if (wanted == current)
            {
                return;
            }

            if (current != AudioCodec.Opus)
            {
                // This run copies what it believes is G.711 but the camera now sends something else: forwarding it would
                // play as noise. Silence until the next run, which transcodes.
                AudioSource.SetCodec(null);
            }

            // Passing G.711 through saves the transcode from the next run on; the running one keeps its Opus (restarting
            // now would cost every viewer a gap for a few percent of a core). Sessions that negotiated Opus end when the
            // next run's first packet arrives, and their players re-offer for G.711.
            SetAudioPlan(supervisor, feed, wanted);
        };
        supervisor.RunEnded = diagnosis =>
        {
            if (diagnosis.Failure == FfmpegFailure.NoAudio)
            {
                // Audio is on but the camera has no microphone: video only from now on (the status says why).
                AudioSource.SetCodec(null);
                HlsAudioSource.SetCodec(null);
                lock (_lock)
                {
                    _hlsAudioConfig = null;
                }

                Hls?.AudioConfig = null;
                SetAudioPlan(supervisor, feed, null);
            }
        };
    }

    private void SetAudioPlan(FfmpegSupervisor supervisor, CameraFeed feed, AudioCodec? plan)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_supervisor, supervisor))
            {
                return; // reconfigured meanwhile: the new supervisor has its own plan
            }

            _audioPlan = plan;
        }

        supervisor.ReplaceArguments(BuildArguments(feed, plan, out _));
    }
}
