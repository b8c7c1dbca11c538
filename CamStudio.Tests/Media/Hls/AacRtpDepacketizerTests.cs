using System.Buffers.Binary;
using CamStudio.Media.Hls;

namespace CamStudio.Tests.Media.Hls;

/// <summary>RFC 3640 AAC-hbr (sizeLength=13; indexLength=3; indexDeltaLength=3), packets built by hand.</summary>
public sealed class AacRtpDepacketizerTests
{
    private const uint Ssrc = 0x1234_5678;
    private readonly Recorder _frames = new();
    private readonly AacRtpDepacketizer _depacketizer;

    public AacRtpDepacketizerTests() => _depacketizer = new AacRtpDepacketizer(_frames);

    [Fact]
    public void Rfc3640_3_3_6_several_aus_in_one_packet_come_out_in_order_1024_samples_apart()
    {
        // §3.3.6: AU-headers-length 48 (three 16-bit AU-headers), AU-Index 0 then AU-Index-delta 0, AUs back to back.
        _depacketizer.Push(Packet(seq: 1, timestamp: 9000, marker: true, [Frame(3, 0xA1), Frame(5, 0xB2), Frame(2, 0xC3)]));

        _frames.Frames.Should().Equal([(new byte[] { 0xA1, 0xA1, 0xA1 }, 9000u), (Enumerable.Repeat((byte)0xB2, 5).ToArray(), 10024u),
            (new byte[] { 0xC3, 0xC3 }, 11048u)], (a, b) => a.Item1.SequenceEqual(b.Item1) && a.Item2 == b.Item2);
        _depacketizer.Frames.Should().Be(3);
    }

    [Fact]
    public void Rfc3640_3_2_3_a_fragmented_au_is_reassembled_from_packets_that_share_its_timestamp()
    {
        // Each fragment carries one AU-header whose AU-size is the whole AU's; the marker is on the last fragment.
        byte[] au = [.. Enumerable.Range(0, 2500).Select(i => (byte)i)];
        _depacketizer.Push(Fragment(seq: 10, timestamp: 500, marker: false, au.Length, au.AsSpan(0, 1000)));
        _depacketizer.Push(Fragment(seq: 11, timestamp: 500, marker: false, au.Length, au.AsSpan(1000, 1000)));
        _frames.Frames.Should().BeEmpty("the AU is not complete yet");
        _depacketizer.Push(Fragment(seq: 12, timestamp: 500, marker: true, au.Length, au.AsSpan(2000)));

        _frames.Frames.Should().ContainSingle();
        _frames.Frames[0].Data.Should().Equal(au);
        _frames.Frames[0].Timestamp.Should().Be(500);
    }

    [Fact]
    public void A_lost_fragment_drops_its_au_and_the_next_packet_plays()
    {
        byte[] au = new byte[2000];
        _depacketizer.Push(Fragment(seq: 1, timestamp: 0, marker: false, au.Length, au.AsSpan(0, 1000)));
        // seq 2 (the last fragment) is lost
        _depacketizer.Push(Packet(seq: 3, timestamp: 1024, marker: true, [Frame(7, 0x11)]));

        _frames.Frames.Should().ContainSingle().Which.Timestamp.Should().Be(1024);
        _depacketizer.LostPackets.Should().Be(1);
        _depacketizer.Dropped.Should().Be(1, "the half AU");
    }

    [Fact]
    public void A_fragment_whose_continuation_never_came_is_dropped_when_the_next_au_starts()
    {
        // Same sequence run (no gap seen) but a new timestamp: the sender gave up on the AU; the new one starts afresh.
        _depacketizer.Push(Fragment(seq: 1, timestamp: 0, marker: false, 2000, new byte[1000]));
        byte[] next = new byte[1500];
        next[0] = 0x42;
        _depacketizer.Push(Fragment(seq: 2, timestamp: 1024, marker: false, next.Length, next.AsSpan(0, 1000)));
        _depacketizer.Push(Fragment(seq: 3, timestamp: 1024, marker: true, next.Length, next.AsSpan(1000)));

        _frames.Frames.Should().ContainSingle().Which.Data.Should().Equal(next);
    }

    [Fact]
    public void Sizes_that_claim_more_than_the_packet_holds_hand_on_nothing()
    {
        byte[] packet = Packet(seq: 1, timestamp: 0, marker: true, [Frame(4, 1), Frame(4, 2)]);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12 + 4), (ushort)(200 << 3)); // second AU-size 200 of 4
        _depacketizer.Push(packet);

        _frames.Frames.Should().BeEmpty("half a packet's frames would be worse than none");
        _depacketizer.Dropped.Should().Be(1);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00 })] // AU-headers-length 0
    [InlineData(new byte[] { 0x00, 0x0F, 0x00, 0x08, 0xAA })] // 15 bits: not whole 16-bit AU-headers
    [InlineData(new byte[] { 0x00, 0x30, 0x00, 0x08 })] // three AU-headers announced, one present
    [InlineData(new byte[] { 0x00 })] // no room for AU-headers-length
    public void Malformed_payloads_are_dropped(byte[] payload)
    {
        _depacketizer.Push([.. RtpHeader(1, 0, true), .. payload]);

        _frames.Frames.Should().BeEmpty();
        _depacketizer.Dropped.Should().Be(1);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(3640);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] packet = new byte[random.Next(0, 1400)];
            random.NextBytes(packet);
            if (packet.Length > 0 && i % 2 == 0)
            {
                packet[0] = 0x80; // mostly valid RTP, so the payload parser sees the garbage
            }

            FluentActions.Invoking(() => _depacketizer.Push(packet)).Should().NotThrow();
        }

        _frames.Frames.Should().NotContain(f => f.Data.Length > AacRtpDepacketizer.MaxFrameBytes);

        // And it still works afterwards: a new sender (SSRC) with a clean packet comes through.
        byte[] clean = Packet(seq: 7, timestamp: 1, marker: true, [Frame(9, 0x5A)]);
        clean[8] ^= 0xFF;
        _frames.Frames.Clear();
        _depacketizer.Push(clean);
        _frames.Frames.Should().ContainSingle().Which.Data.Should().Equal(Enumerable.Repeat((byte)0x5A, 9));
    }

    private static (int Size, byte Fill) Frame(int size, byte fill) => (size, fill);

    private static byte[] Packet(ushort seq, uint timestamp, bool marker, (int Size, byte Fill)[] aus)
    {
        var payload = new List<byte>();
        payload.AddRange(BigEndian((ushort)(16 * aus.Length)));
        foreach ((int size, _) in aus)
        {
            payload.AddRange(BigEndian((ushort)(size << 3))); // AU-Index / AU-Index-delta 0
        }

        foreach ((int size, byte fill) in aus)
        {
            payload.AddRange(Enumerable.Repeat(fill, size));
        }

        return [.. RtpHeader(seq, timestamp, marker), .. payload];
    }

    private static byte[] Fragment(ushort seq, uint timestamp, bool marker, int auSize, ReadOnlySpan<byte> fragment) =>
        [.. RtpHeader(seq, timestamp, marker), .. BigEndian(16), .. BigEndian((ushort)(auSize << 3)), .. fragment];

    private static byte[] BigEndian(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] RtpHeader(ushort seq, uint timestamp, bool marker)
    {
        byte[] header = new byte[12];
        header[0] = 0x80;
        header[1] = (byte)((marker ? 0x80 : 0) | 97);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), Ssrc);
        return header;
    }

    private sealed class Recorder : IAacFrameSink
    {
        public List<(byte[] Data, uint Timestamp)> Frames { get; } = [];

        public void OnAacFrame(ReadOnlySpan<byte> frame, uint rtpTimestamp, uint ssrc) => Frames.Add((frame.ToArray(), rtpTimestamp));
    }
}

/// <summary>The AAC track's boxes: exact sizes (the counts callers size buffers with) and the esds content.</summary>
public sealed class Fmp4AacTrackTests
{
    [Fact]
    public void The_init_segment_with_aac_is_exactly_the_counted_size_and_carries_the_audio_specific_config()
    {
        byte[] sps = CamStudio.Tests.Media.Streaming.H264NalTests.s_sps640x360;
        byte[] pps = CamStudio.Tests.Media.Streaming.H264NalTests.s_pps;
        var aac = new CamStudio.Media.Audio.AacConfig(16000, 1);
        byte[] buffer = new byte[4096];
        Fmp4InitSegment.TryWrite(buffer, sps, pps, out int videoOnly).Should().BeTrue();

        Fmp4InitSegment.TryWrite(buffer, sps, pps, aac, out int withAudio).Should().BeTrue();
        withAudio.Should().Be(videoOnly + Fmp4InitSegment.AudioTrackSize);
        withAudio.Should().Be(Fmp4InitSegment.GetByteCount(sps.Length, pps.Length) + Fmp4InitSegment.AudioTrackSize);
        // DecoderSpecificInfo tag 5, length 2, AudioSpecificConfig 0x1408 (AAC-LC, 16 kHz, mono).
        buffer.AsSpan(0, withAudio).IndexOf(new byte[] { 0x05, 0x02, 0x14, 0x08, 0x06, 0x01, 0x02 }).Should().BePositive();
        Fmp4InitSegment.TryWrite(new byte[withAudio - 1], sps, pps, aac, out _).Should().BeFalse("one byte short");
        Fmp4InitSegment.TryWrite(buffer, sps, pps, new CamStudio.Media.Audio.AacConfig(12345, 1), out _).Should().BeFalse();
    }

    [Fact]
    public void A_fragment_with_audio_is_the_counted_size_and_rejects_sizes_that_do_not_add_up()
    {
        VideoAccessUnit[] video = [new(new byte[] { 0, 0, 0, 1, 0x65, 0x88, 0x84 }, 0, true)];
        byte[] frames = [1, 2, 3, 4, 5];
        int[] sizes = [2, 3];
        var audio = new AacFrames(frames, sizes, 160);
        long expected = Fmp4Fragment.GetByteCount(video) + Fmp4Fragment.GetAudioByteCount(audio);
        byte[] buffer = new byte[expected];

        Fmp4Fragment.TryWrite(buffer, 1, video, 3600, audio, out int written).Should().BeTrue();
        written.Should().Be((int)expected);
        buffer.AsSpan(written - frames.Length).ToArray().Should().Equal(frames, "the AAC frames end the mdat, after the video");
        Fmp4Fragment.TryWrite(buffer, 1, video, 3600, new AacFrames(frames, [2, 2], 160), out _).Should().BeFalse();
        Fmp4Fragment.TryWrite(new byte[expected - 1], 1, video, 3600, audio, out _).Should().BeFalse();
    }
}
