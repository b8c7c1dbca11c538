using CamStudio.Media.Rtp;

namespace CamStudio.Tests.Media.Rtp;

public class RtpPacketHistoryTests
{
    private static byte[] Packet(ushort seq, int length = 20)
    {
        byte[] p = new byte[length];
        p[0] = 0x80;
        p[2] = (byte)(seq >> 8);
        p[3] = (byte)seq;
        p[^1] = (byte)(seq * 7);
        return p;
    }

    [Fact]
    public void StoredPacket_IsReturnedByteForByte()
    {
        var history = new RtpPacketHistory(1024);
        byte[] packet = Packet(42, 1200);
        history.Store(42, packet);
        history.TryGet(42, out ReadOnlySpan<byte> stored).Should().BeTrue();
        stored.ToArray().Should().Equal(packet);
        history.TryGet(43, out _).Should().BeFalse("nothing was stored for 43");
    }

    [Fact]
    public void Ring_WrapsAroundTheSequenceSpace_AndForgetsTheOldest()
    {
        var history = new RtpPacketHistory(4);
        history.Capacity.Should().Be(4);
        ushort[] sent = [65533, 65534, 65535, 0, 1, 2];
        foreach (ushort seq in sent)
        {
            history.Store(seq, Packet(seq));
        }

        history.TryGet(65533, out _).Should().BeFalse("its slot was reused by 1");
        history.TryGet(65534, out _).Should().BeFalse("its slot was reused by 2");
        foreach (ushort seq in new ushort[] { 65535, 0, 1, 2 })
        {
            history.TryGet(seq, out ReadOnlySpan<byte> p).Should().BeTrue($"{seq} is among the last 4");
            p.ToArray().Should().Equal(Packet(seq));
        }
    }

    [Fact]
    public void ReusedSlot_DoesNotAnswerForAnOlderSequenceNumber()
    {
        var history = new RtpPacketHistory(8);
        history.Store(3, Packet(3));
        history.Store(11, Packet(11)); // same slot as 3
        history.TryGet(3, out _).Should().BeFalse();
        history.TryGet(11, out ReadOnlySpan<byte> p).Should().BeTrue();
        p.ToArray().Should().Equal(Packet(11));
    }

    [Fact]
    public void CapacityIsRoundedUpToAPowerOfTwo()
    {
        var history = new RtpPacketHistory(1000);
        history.Capacity.Should().Be(1024);
        for (int i = 0; i < 70_000; i++)
        {
            history.Store((ushort)i, Packet((ushort)i));
        }

        ushort newest = unchecked((ushort)69_999);
        history.TryGet(newest, out _).Should().BeTrue();
        history.TryGet(unchecked((ushort)(newest - 1023)), out _).Should().BeTrue();
        history.TryGet(unchecked((ushort)(newest - 1024)), out _).Should().BeFalse();
    }

    [Fact]
    public void OversizedPacket_IsNotKept_AndEmptiesItsSlot()
    {
        var history = new RtpPacketHistory(4, maxPacketSize: 100);
        history.Store(5, Packet(5));
        history.Store(9, Packet(9, 101));
        history.TryGet(9, out _).Should().BeFalse();
        history.TryGet(5, out _).Should().BeFalse("5 shares the slot and was overwritten");
    }

    [Fact]
    public void TryCopyTo_CopiesUnderTheLock_AndChecksTheDestination()
    {
        var history = new RtpPacketHistory(16);
        byte[] packet = Packet(7, 300);
        history.Store(7, packet);
        byte[] destination = new byte[1500];
        history.TryCopyTo(7, destination, out int written).Should().BeTrue();
        written.Should().Be(300);
        destination.AsSpan(0, written).ToArray().Should().Equal(packet);
        history.TryCopyTo(7, new byte[299], out _).Should().BeFalse();
        history.TryCopyTo(8, destination, out _).Should().BeFalse();
    }
}
