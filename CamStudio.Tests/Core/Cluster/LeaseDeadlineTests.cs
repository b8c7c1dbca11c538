using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Core.Cluster;

/// <summary>
/// The holder's deadline math of cluster-plan.md §1.2 on a manual clock: valid until t0 + TTL − FenceMargin where t0 is
/// taken before the renew was sent, never extended by a stale renew, and no stream start in the last second.
/// </summary>
public sealed class LeaseDeadlineTests
{
    private readonly ManualTimeProvider _clock = new();

    private LeaseDeadline Create() => new(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2.5));

    [Fact]
    public void Without_a_successful_renew_nothing_may_run()
    {
        LeaseDeadline deadline = Create();

        (deadline.IsValid, deadline.MayStart(TimeSpan.FromSeconds(1)), deadline.Remaining, deadline.ValidUntil)
            .Should().Be((false, false, TimeSpan.Zero, (long?)null));
    }

    [Fact]
    public void Valid_until_counts_from_when_the_renew_was_sent_not_when_it_returned()
    {
        LeaseDeadline deadline = Create();
        long sent = deadline.Start();
        _clock.Advance(TimeSpan.FromSeconds(1.5)); // a slow round trip
        deadline.Succeeded(sent);

        deadline.Remaining.Should().Be(TimeSpan.FromSeconds(6), "7.5 s from sending, 1.5 s of which already passed");
        _clock.Advance(TimeSpan.FromSeconds(5.999));
        deadline.IsValid.Should().BeTrue();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        deadline.IsValid.Should().BeFalse("at t0 + 7.5 s the fence fires, 2.5 s before the database expiry");
    }

    [Fact]
    public void A_stale_renew_finishing_late_does_not_move_the_deadline_back()
    {
        LeaseDeadline deadline = Create();
        long older = deadline.Start();
        _clock.Advance(TimeSpan.FromSeconds(1));
        long newer = deadline.Start();
        deadline.Succeeded(newer);
        deadline.Succeeded(older);

        deadline.Remaining.Should().Be(TimeSpan.FromSeconds(7.5));
    }

    [Fact]
    public void Streams_may_start_only_with_the_start_margin_left()
    {
        LeaseDeadline deadline = Create();
        deadline.Succeeded(deadline.Start());

        _clock.Advance(TimeSpan.FromSeconds(6.5));
        deadline.MayStart(TimeSpan.FromSeconds(1)).Should().BeTrue("exactly 1 s left");
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        deadline.MayStart(TimeSpan.FromSeconds(1)).Should().BeFalse();
        deadline.IsValid.Should().BeTrue("running streams continue until the fence");
    }

    [Fact]
    public void A_lost_lease_fences_at_once_and_a_new_claim_starts_over()
    {
        LeaseDeadline deadline = Create();
        deadline.Succeeded(deadline.Start());
        deadline.Lost();
        deadline.IsValid.Should().BeFalse();

        _clock.Advance(TimeSpan.FromSeconds(30));
        deadline.Succeeded(deadline.Start());
        deadline.Remaining.Should().Be(TimeSpan.FromSeconds(7.5));
    }

    [Fact]
    public void Claims_are_scheduled_a_claim_margin_after_the_database_expiry()
    {
        var expires = new DateTime(2026, 12, 5, 1, 0, 0, DateTimeKind.Utc);

        LeaseDeadline.ClaimAt(expires, TimeSpan.FromSeconds(0.5)).Should().Be(expires.AddMilliseconds(500));
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(10, -1)]
    [InlineData(0, 0)]
    public void Impossible_timings_are_refused(int ttlSeconds, int fenceSeconds)
    {
        Action create = () => _ = new LeaseDeadline(_clock, TimeSpan.FromSeconds(ttlSeconds), TimeSpan.FromSeconds(fenceSeconds));

        create.Should().Throw<ArgumentOutOfRangeException>();
    }
}
