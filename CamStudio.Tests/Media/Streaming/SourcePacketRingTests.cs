using CamStudio.Media.Streaming;

namespace CamStudio.Tests.Media.Streaming;

/// <summary>The stream's one copy of its recent live packets, by packet number (the generation of each slot).</summary>
public class SourcePacketRingTests
{
    private static byte[] Packet(int length, byte fill)
    {
        byte[] packet = new byte[length];
        packet.AsSpan().Fill(fill);
        return packet;
    }

    [Fact]
    public void A_stored_packet_is_copied_back_by_its_number()
    {
        var ring = new SourcePacketRing(8);
        ring.Store(3, Packet(200, 0x33));
        var destination = new byte[1500];

        ring.TryCopyTo(3, destination, out int length).Should().BeTrue();

        destination.AsSpan(0, length).ToArray().Should().Equal(Packet(200, 0x33));
    }

    [Fact]
    public void A_slot_reused_by_a_newer_packet_never_answers_for_the_older_one()
    {
        var ring = new SourcePacketRing(4);
        ring.Store(2, Packet(100, 0x02));

        ring.Store(6, Packet(100, 0x06)); // same slot

        var destination = new byte[1500];
        ring.TryCopyTo(2, destination, out _).Should().BeFalse();
        ring.TryCopyTo(6, destination, out _).Should().BeTrue();
        destination[0].Should().Be(0x06);
    }

    [Fact]
    public void Unknown_numbers_too_large_packets_and_too_small_destinations_are_refused_without_throwing()
    {
        var ring = new SourcePacketRing(4);
        var destination = new byte[1500];
        ring.TryCopyTo(0, destination, out _).Should().BeFalse("an empty slot holds number 0, which is never issued");
        ring.TryCopyTo(-5, destination, out _).Should().BeFalse();
        ring.TryCopyTo(1, destination, out _).Should().BeFalse();

        ring.Store(1, Packet(100, 1));
        ring.Store(5, Packet(SourcePacketRing.SlotBytes + 1, 5)); // evicts 1, keeps nothing

        ring.TryCopyTo(1, destination, out _).Should().BeFalse("its slot now belongs to 5");
        ring.TryCopyTo(5, destination, out _).Should().BeFalse("too large to keep");
        ring.Store(9, Packet(100, 9));
        ring.TryCopyTo(9, new byte[99], out int written).Should().BeFalse();
        written.Should().Be(0);
    }
}
