using CamStudio.Media.Audio;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

public sealed class AudioRtpSourceTests : IAsyncDisposable
{
    private readonly AudioRtpSource _source = new(NullLogger<AudioRtpSource>.Instance, TimeProvider.System);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    [Fact]
    public void Every_packet_reaches_every_subscriber_with_the_runs_codec()
    {
        _source.SetCodec(AudioCodec.Pcma);
        var first = new RecordingSink();
        var second = new RecordingSink();
        using IDisposable a = _source.Subscribe(first);
        using IDisposable b = _source.Subscribe(second);

        _source.OnDatagram(Rtp(sequence: 1, timestamp: 160, payloadType: 8));
        _source.OnDatagram(Rtp(sequence: 2, timestamp: 320, payloadType: 8));

        first.Infos.Should().Equal(
            new AudioPacketInfo(AudioCodec.Pcma, 160, 0x1234, 1),
            new AudioPacketInfo(AudioCodec.Pcma, 320, 0x1234, 2));
        second.Infos.Should().HaveCount(2);
        first.Packets[0].Should().Equal(Rtp(sequence: 1, timestamp: 160, payloadType: 8), "packets are passed as FFmpeg sent them");
        _source.Packets.Should().Be(2);
    }

    [Fact]
    public void A_viewer_who_leaves_gets_nothing_more()
    {
        _source.SetCodec(AudioCodec.Opus);
        var sink = new RecordingSink();
        IDisposable subscription = _source.Subscribe(sink);
        _source.OnDatagram(Rtp(1, 960, 111));

        subscription.Dispose();
        subscription.Dispose();
        _source.OnDatagram(Rtp(2, 1920, 111));

        sink.Infos.Should().ContainSingle();
        _source.SubscriberCount.Should().Be(0);
    }

    [Fact]
    public void Without_audio_or_with_garbage_nothing_is_delivered_and_nothing_throws()
    {
        var sink = new RecordingSink();
        using IDisposable subscription = _source.Subscribe(sink);

        _source.OnDatagram(Rtp(1, 160, 8)); // audio off: no codec
        _source.SetCodec(AudioCodec.Pcmu);
        _source.OnDatagram([0x00, 0x01, 0x02]);
        _source.OnDatagram(Rtp(2, 160, 0).AsSpan(0, 12)); // header only, no payload
        var random = new Random(3551);
        byte[] buffer = new byte[200];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)(buffer[0] & 0x3F); // not version 2
            _source.OnDatagram(buffer.AsSpan(0, random.Next(buffer.Length)));
        }

        sink.Infos.Should().BeEmpty();
        _source.DroppedPackets.Should().Be(2003);
    }

    [Fact]
    public void A_sink_that_throws_does_not_stop_the_others()
    {
        _source.SetCodec(AudioCodec.Pcma);
        using IDisposable bad = _source.Subscribe(new ThrowingSink());
        var good = new RecordingSink();
        using IDisposable ok = _source.Subscribe(good);

        _source.OnDatagram(Rtp(1, 160, 8));

        good.Infos.Should().ContainSingle();
    }

    private static byte[] Rtp(ushort sequence, uint timestamp, byte payloadType)
    {
        byte[] packet = new byte[12 + 160];
        packet[0] = 0x80;
        packet[1] = payloadType;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        packet[4] = (byte)(timestamp >> 24);
        packet[5] = (byte)(timestamp >> 16);
        packet[6] = (byte)(timestamp >> 8);
        packet[7] = (byte)timestamp;
        packet[10] = 0x12;
        packet[11] = 0x34;
        packet.AsSpan(12).Fill(0xD5); // A-law silence
        return packet;
    }

    private sealed class RecordingSink : IAudioPacketSink
    {
        public List<AudioPacketInfo> Infos { get; } = [];

        public List<byte[]> Packets { get; } = [];

        public void OnAudioPacket(ReadOnlySpan<byte> rtpPacket, in AudioPacketInfo info)
        {
            Infos.Add(info);
            Packets.Add(rtpPacket.ToArray());
        }
    }

    private sealed class ThrowingSink : IAudioPacketSink
    {
        public void OnAudioPacket(ReadOnlySpan<byte> rtpPacket, in AudioPacketInfo info) => throw new InvalidOperationException("broken viewer");
    }
}
