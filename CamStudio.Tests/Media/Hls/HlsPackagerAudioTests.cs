using System.Buffers.Binary;
using CamStudio.Media.Audio;
using CamStudio.Media.Hls;
using CamStudio.Media.Rtcp;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Hls;

/// <summary>
/// Where the camera's AAC lands on the pictures' timeline. FFmpeg hands over what it buffered while probing the camera
/// as a burst, all the video first (seen in CameraStreamHlsAacFfmpegTests under load: 21 pictures within 30 ms, then the
/// sound), so the time a frame arrives says little; FFmpeg's sender reports of both outputs say where it belongs.
/// </summary>
public sealed class HlsPackagerAudioTests : IDisposable
{
    private const uint VideoSsrc = 0x1111, AudioSsrc = 0x2222;
    private const uint KeyFrameTimestamp = 1_000_000, AudioBase = 7_000_000;
    private const long FrameTicks = 3600; // 25 fps
    private const int SampleRate = 16_000;
    private const ulong ReportNtp = 3_900_000_000UL << 32;

    private readonly ManualTimeProvider _clock = new();
    private readonly H264RtpPacketizer _video = new(VideoSsrc);
    private readonly HlsPackager _packager;
    private RtpClockAnchor? _videoReport, _audioReport;
    private ushort _audioSequence = 500;

    public HlsPackagerAudioTests()
    {
        _packager = new HlsPackager(new HlsPartStoreOptions(), _clock, NullLogger<HlsPackager>.Instance, "cam-1")
        {
            AudioConfig = new AacConfig(SampleRate, 1),
            VideoClock = () => _videoReport,
            AudioClock = () => _audioReport,
        };
    }

    public void Dispose() => _packager.Dispose();

    /// <summary>FFmpeg's reports when the audio's RTP timestamp <paramref name="audioAtKeyFrame"/> is the key frame's instant.</summary>
    private void Reports(uint audioAtKeyFrame)
    {
        _videoReport = new RtpClockAnchor(VideoSsrc, ReportNtp, KeyFrameTimestamp);
        _audioReport = new RtpClockAnchor(AudioSsrc, ReportNtp, audioAtKeyFrame);
    }

    private void Picture(int n)
    {
        uint timestamp = KeyFrameTimestamp + (uint)(n * FrameTicks);
        List<RtpTestPacket> packets = n % 50 == 0
            ? _video.AccessUnit(timestamp, H264NalTests.s_sps640x360, H264NalTests.s_pps, Nal(0x65, 0x88, (byte)n, (byte)(n >> 8), 0x42, 0x42))
            : _video.AccessUnit(timestamp, Nal(0x41, 0x9A, (byte)n, (byte)(n >> 8), 0x24));
        H264RtpPacketizer.Feed(_packager, packets);
    }

    private static byte[] Nal(params byte[] bytes) => bytes; // one NAL unit (the packetizer's span overload reads Annex B)

    /// <summary>AAC frame <paramref name="k"/> (1024 samples each) as FFmpeg's rtp muxer sends it: one AU per packet.</summary>
    private void Sound(int k)
    {
        byte[] packet = new byte[12 + 4 + 8];
        packet[0] = 0x80;
        packet[1] = 0x80 | 97;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _audioSequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), AudioBase + (uint)(k * AacConfig.SamplesPerFrame));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), AudioSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), 16); // AU-headers-length in bits
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), 8 << 3); // AU-size 8, AU-index 0
        packet.AsSpan(16).Fill((byte)k);
        _packager.OnAudioPacket(packet, new AudioPacketInfo(AudioCodec.Aac, 0, AudioSsrc, 0));
    }

    /// <summary>
    /// The start-up burst (pictures 0–20, 0.84 s, all at one instant), then audio frames 0 to <paramref name="lastBurstFrame"/>,
    /// then live: a picture every 40 ms and each audio frame once its time has come, up to 2.4 s.
    /// </summary>
    private void BurstThenLive(int lastBurstFrame, Action? afterFirstSound = null)
    {
        for (int n = 0; n <= 20; n++)
        {
            Picture(n);
        }

        for (int k = 0; k <= lastBurstFrame; k++)
        {
            Sound(k);
            if (k == 0)
            {
                afterFirstSound?.Invoke();
            }
        }

        int nextSound = lastBurstFrame + 1;
        for (int n = 21; n <= 60; n++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(40));
            Picture(n);
            while (nextSound * AacConfig.SamplesPerFrame * 25 <= n * SampleRate)
            {
                Sound(nextSound++);
            }
        }
    }

    /// <summary>Each part's audio traf: its tfdt (audio timescale) and sample count, in the order the parts were cut.</summary>
    private List<(long DecodeTime, int Samples)> AudioRuns()
    {
        HlsPartStore store = _packager.Store!;
        HlsPlaylistSnapshot snapshot = store.Snapshot();
        var runs = new List<(long, int)>();
        foreach (HlsPart part in snapshot.Segments.SelectMany(s => s.Parts).Concat(snapshot.OpenParts))
        {
            byte[] data = part.Data.ToArray();
            Mp4Box moof = Mp4Boxes.Children(data, 0, data.Length).Single(b => b.Type == "moof");
            foreach (Mp4Box traf in Mp4Boxes.Children(data, moof.PayloadOffset, moof.End).Where(b => b.Type == "traf"))
            {
                List<Mp4Box> boxes = Mp4Boxes.Children(data, traf.PayloadOffset, traf.End);
                uint track = Mp4Boxes.UInt32(data, boxes.Single(b => b.Type == "tfhd").PayloadOffset + 4);
                if (track == 2)
                {
                    runs.Add(((long)Mp4Boxes.UInt64(data, boxes.Single(b => b.Type == "tfdt").PayloadOffset + 4),
                        (int)Mp4Boxes.UInt32(data, boxes.Single(b => b.Type == "trun").PayloadOffset + 4)));
                }
            }
        }

        return runs;
    }

    private static void ShouldFollowEachOther(List<(long DecodeTime, int Samples)> runs)
    {
        runs.Should().HaveCountGreaterThan(4, "2.4 s of pictures make 7 parts, each with the sound that came for it");
        for (int i = 1; i < runs.Count; i++)
        {
            runs[i].DecodeTime.Should().Be(runs[i - 1].DecodeTime + (runs[i - 1].Samples * AacConfig.SamplesPerFrame),
                "the sound has no holes and no overlaps");
        }
    }

    [Fact]
    public void Sound_read_with_the_key_frame_starts_with_it_although_it_arrived_after_the_whole_burst()
    {
        Reports(audioAtKeyFrame: AudioBase);

        BurstThenLive(lastBurstFrame: 12);

        List<(long DecodeTime, int Samples)> runs = AudioRuns();
        runs.Should().NotBeEmpty();
        runs[0].DecodeTime.Should().Be(0, "the reports say audio frame 0 is the key frame's instant (decode time 0)");
        ShouldFollowEachOther(runs);
        _packager.AudioStats.Should().Match<(long Muxed, long Dropped, bool PlacedByReports)>(a => a.Dropped == 0 && a.PlacedByReports);
    }

    [Fact]
    public void Without_reports_the_sound_is_anchored_where_the_video_is_when_it_arrives()
    {
        BurstThenLive(lastBurstFrame: 12);

        List<(long DecodeTime, int Samples)> runs = AudioRuns();
        runs[0].DecodeTime.Should().Be(20 * FrameTicks * SampleRate / HlsPartStoreOptions.Clock,
            "the fallback: the newest picture (the burst's last, 0.8 s) when the first frame came");
        ShouldFollowEachOther(runs);
        _packager.AudioStats.PlacedByReports.Should().BeFalse();
    }

    [Fact]
    public void Reports_that_come_after_the_first_frames_move_the_waiting_sound_to_its_place()
    {
        BurstThenLive(lastBurstFrame: 12, afterFirstSound: () => Reports(audioAtKeyFrame: AudioBase));

        List<(long DecodeTime, int Samples)> runs = AudioRuns();
        runs[0].DecodeTime.Should().Be(0, "frame 0 was anchored by arrival (0.8 s) and moved once the reports came");
        ShouldFollowEachOther(runs);
        _packager.AudioStats.Should().Match<(long Muxed, long Dropped, bool PlacedByReports)>(a => a.Dropped == 0 && a.PlacedByReports);
    }

    [Fact]
    public void Sound_from_before_the_first_picture_is_dropped_and_the_rest_keeps_its_place()
    {
        // Audio frame 0 is 0.2 s (3,200 samples) before the key frame: frames 0–3 start before it, frame 4 896
        // samples after it.
        Reports(audioAtKeyFrame: AudioBase + 3200);

        BurstThenLive(lastBurstFrame: 16);

        List<(long DecodeTime, int Samples)> runs = AudioRuns();
        runs[0].DecodeTime.Should().Be((4 * AacConfig.SamplesPerFrame) - 3200);
        ShouldFollowEachOther(runs);
        _packager.AudioStats.Should().Match<(long Muxed, long Dropped, bool PlacedByReports)>(a => a.Dropped == 4 && a.PlacedByReports);
    }
}
