using System.Buffers.Binary;
using CamStudio.Media.Rtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>
/// The stream's one copy of its packets for NACK answers: <see cref="VideoRtpSource.TryCopyPacket"/> finds a packet by
/// the number its viewers were given, in the live ring or, for a replayed GOP, in the GOP cache.
/// </summary>
public sealed class VideoRtpSourceRetransmissionTests : IAsyncDisposable
{
    private const int PayloadLength = 100;
    private readonly VideoRtpSource _source = new(NullLogger<VideoRtpSource>.Instance, TimeProvider.System);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    // One-packet access units whose payload after the NAL header bytes is the source sequence number's low byte, so a
    // copy of the wrong or of a half-overwritten packet shows.
    internal static byte[] Packet(ushort sequence, uint timestamp, bool idr)
    {
        byte[] payload = new byte[PayloadLength];
        payload.AsSpan().Fill((byte)sequence);
        payload[0] = idr ? (byte)(0x60 | 28) : (byte)0x41; // RFC 6184 §5.8 FU-A indicator, or a non-IDR slice
        payload[1] = idr ? (byte)(0x80 | 0x40 | 5) : (byte)sequence;
        return VideoRtpSourceTests.Rtp(sequence, timestamp, marker: true, payload);
    }

    private void Feed(byte[] packet) => _source.OnDatagram(packet);

    private byte[]? Copy(long number)
    {
        var destination = new byte[1500];
        return _source.TryCopyPacket(number, destination, out int length) ? destination[..length] : null;
    }

    [Fact]
    public void Replayed_packets_come_from_the_gop_cache_live_ones_from_the_ring_and_both_expire()
    {
        // A GOP cached before anyone watches: the ring does not exist yet, so a late joiner's replay is only in the cache.
        ushort sequence = 1;
        uint timestamp = 0;
        Feed(VideoRtpSourceTests.Rtp(sequence++, timestamp, false, VideoRtpSourceTests.ParameterSets()));
        Feed(Packet(sequence++, timestamp, idr: true));
        for (int i = 0; i < 20; i++)
        {
            Feed(Packet(sequence++, timestamp += 3600, idr: false));
        }

        using var viewer = new RecordingSink();
        using IDisposable subscription = _source.Subscribe(viewer);
        (byte[] Packet, VideoPacketInfo Info)[] replay = viewer.Snapshot();
        replay.Should().HaveCount(22);
        replay.Should().AllSatisfy(p => p.Info.IsFromCache.Should().BeTrue());
        replay.Select(p => p.Info.SourcePacketNumber).Should().OnlyHaveUniqueItems().And.NotContain(0);
        foreach ((byte[] packet, VideoPacketInfo info) in replay)
        {
            Copy(info.SourcePacketNumber).Should().Equal(packet, "the NACKed replay packet is still in the GOP cache");
        }

        // More live packets than the ring holds, then a new keyframe: the cache drops the old GOP.
        int live = VideoRtpSource.LiveRetransmissionPackets + 100;
        for (int i = 0; i < live; i++)
        {
            Feed(Packet(sequence++, timestamp += 3600, idr: false));
        }

        Feed(Packet(sequence++, timestamp += 3600, idr: true));
        (byte[] Packet, VideoPacketInfo Info)[] all = viewer.Snapshot();
        (byte[] Packet, VideoPacketInfo Info) newKeyFrame = all[^1];
        Copy(newKeyFrame.Info.SourcePacketNumber).Should().Equal(newKeyFrame.Packet);
        (byte[] Packet, VideoPacketInfo Info) lastOfOldGop = all[^2];
        Copy(lastOfOldGop.Info.SourcePacketNumber).Should().Equal(lastOfOldGop.Packet, "the ring still has the old GOP's tail");
        Copy(replay[3].Info.SourcePacketNumber).Should().BeNull("neither the cache (new GOP) nor the ring (overwritten) has it");
        Copy(all[22].Info.SourcePacketNumber).Should().BeNull("the first live packet left the ring 1,024 packets ago");
        Copy(newKeyFrame.Info.SourcePacketNumber + 1).Should().BeNull("not received yet");
        Copy(0).Should().BeNull();
        Copy(-1).Should().BeNull();
    }

    [Fact]
    public void Without_viewers_the_ring_is_released_and_the_numbers_keep_growing()
    {
        using (var first = new RecordingSink())
        using (_source.Subscribe(first))
        {
            Feed(VideoRtpSourceTests.Rtp(1, 0, false, VideoRtpSourceTests.ParameterSets()));
            Feed(Packet(2, 0, idr: true));
            Feed(Packet(3, 3600, idr: false));
        }

        // Not watched: the next packets are only in the GOP cache (same GOP), and they get new numbers.
        Feed(Packet(4, 7200, idr: false));
        using var second = new RecordingSink();
        using IDisposable subscription = _source.Subscribe(second);
        second.Snapshot().Select(p => p.Info.SourcePacketNumber).Should().Equal(1, 2, 3, 4);
        Copy(4).Should().NotBeNull();
    }

    [Fact]
    public async Task Reads_on_the_nack_thread_while_the_ingest_thread_writes_always_get_whole_packets_of_the_number_asked()
    {
        var latest = new LatestNumberSink();
        using IDisposable subscription = _source.Subscribe(latest);
        const int Packets = 40_000;
        using var done = new CancellationTokenSource();
        using var readerFoundOne = new ManualResetEventSlim();
        int found = 0;
        Task reader = Task.Factory.StartNew(() =>
        {
            var destination = new byte[1500];
            for (int i = 0; !done.IsCancellationRequested; i++)
            {
                long number = Volatile.Read(ref latest.Number) - (i % 1500);
                if (number <= 0 || !_source.TryCopyPacket(number, destination, out int length))
                {
                    continue;
                }

                // Packet number n is the n-th datagram: source sequence n (it starts at 1, wraps at 65536).
                ushort expected = unchecked((ushort)number);
                RtpHeader.TryRead(destination.AsSpan(0, length), out RtpHeader header).Should().BeTrue();
                header.SequenceNumber.Should().Be(expected);
                destination.AsSpan(12 + 2, PayloadLength - 2).IndexOfAnyExcept((byte)expected).Should().Be(-1, "a torn copy mixes two packets");
                found++;
                readerFoundOne.Set();
            }
        }, TaskCreationOptions.LongRunning);

        uint timestamp = 0;
        for (int n = 1; n <= Packets; n++)
        {
            // A keyframe every 500 packets keeps the GOP cache in its bound, as a camera's GOP would.
            Feed(Packet(unchecked((ushort)n), timestamp += 3600, idr: n % 500 == 1));
            if (n == Packets / 2)
            {
                // The reader thread may not have been scheduled yet on a loaded machine: the second half of the writes
                // starts only once it has copied a packet, so the two really overlap.
                readerFoundOne.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the reader copies packets while the writer writes");
            }
        }

        await done.CancelAsync();
        await reader;
        Volatile.Read(ref latest.Number).Should().Be(Packets);
        found.Should().BeGreaterThan(0, "the reader ran alongside the writer");
    }

    private sealed class LatestNumberSink : IVideoPacketSink
    {
        public long Number;

        public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info) =>
            Volatile.Write(ref Number, info.SourcePacketNumber);
    }
}
