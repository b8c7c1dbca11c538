using CamStudio.Media.Rtp;

namespace CamStudio.Tests.Media.Rtp;

/// <summary>
/// A viewer's NACK history (RFC 4585 §6.2.1 generic NACK): output sequence number → the stream's packet number and the
/// timestamp the viewer gave it. A wrong answer here would resend another packet's bytes under the NACKed number.
/// </summary>
public class RetransmissionHistoryTests
{
    [Fact]
    public void A_sent_packet_is_found_by_its_output_sequence_number_with_its_source_packet_and_timestamp()
    {
        var history = new RetransmissionHistory(1024);

        history.Store(4711, sourcePacket: 99, timestamp: 0xDEADBEEF);

        history.TryGet(4711, out long source, out uint timestamp).Should().BeTrue();
        source.Should().Be(99);
        timestamp.Should().Be(0xDEADBEEF);
    }

    [Fact]
    public void Sequence_numbers_that_were_never_sent_find_nothing_not_even_zero_in_an_empty_history()
    {
        var history = new RetransmissionHistory(8);
        history.TryGet(0, out _, out _).Should().BeFalse("an empty slot looks like sequence 0; it must not answer");

        history.Store(3, 1, 1);

        history.TryGet(11, out _, out _).Should().BeFalse("same slot as 3, but 11 was never sent");
        history.TryGet(4, out _, out _).Should().BeFalse();
    }

    [Fact]
    public void A_slot_reused_by_a_newer_packet_never_answers_for_the_older_one()
    {
        var history = new RetransmissionHistory(4);
        history.Store(1, sourcePacket: 10, timestamp: 100);

        history.Store(5, sourcePacket: 14, timestamp: 500); // 5 mod 4 = 1

        history.TryGet(1, out _, out _).Should().BeFalse();
        history.TryGet(5, out long source, out _).Should().BeTrue();
        source.Should().Be(14);
    }

    [Fact]
    public void The_mapping_survives_the_16_bit_sequence_wrap()
    {
        var history = new RetransmissionHistory(1024);
        ushort sequence = 65000;
        for (long packet = 1; packet <= 1000; packet++, sequence++)
        {
            history.Store(sequence, packet, (uint)packet * 3000);
        }

        // 65000..65535 are packets 1..536, then 0..463 are 537..1000: all within the 1,024 slots.
        history.TryGet(65000, out long first, out _).Should().BeTrue();
        first.Should().Be(1);
        history.TryGet(65535, out long beforeWrap, out _).Should().BeTrue();
        beforeWrap.Should().Be(536);
        history.TryGet(0, out long afterWrap, out uint timestamp).Should().BeTrue();
        afterWrap.Should().Be(537);
        timestamp.Should().Be(537u * 3000);

        for (long packet = 1001; packet <= 1100; packet++, sequence++)
        {
            history.Store(sequence, packet, 0);
        }

        history.TryGet(65000, out _, out _).Should().BeFalse("its slot (488) now holds 488, sent 1,024 packets later");
        history.TryGet(488, out long reused, out _).Should().BeTrue();
        reused.Should().Be(1025);
        history.TryGet(65100, out long stillThere, out _).Should().BeTrue();
        stillThere.Should().Be(101);
    }

    [Fact]
    public void A_cleared_slot_answers_nothing()
    {
        var history = new RetransmissionHistory(16);
        history.Store(7, 70, 700);

        history.Store(7, sourcePacket: 0, timestamp: 0); // protect failed: the packet never left

        history.TryGet(7, out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1000, 1024)]
    [InlineData(1536, 2048)]
    [InlineData(16384, 16384)]
    public void Capacity_is_rounded_up_to_a_power_of_two_and_costs_16_bytes_a_slot(int requested, int expected)
    {
        var history = new RetransmissionHistory(requested);

        history.Capacity.Should().Be(expected);
        history.AllocatedBytes.Should().Be(expected * 16L, "a reference and a timestamp, not a 1,500-byte packet copy");
    }

    [Fact]
    public void Capacities_that_would_confuse_the_srtp_rollover_estimate_are_refused()
    {
        FluentActions.Invoking(() => new RetransmissionHistory(RetransmissionHistory.MaxCapacity + 1))
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RetransmissionHistory(0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
