using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Core.Events;

/// <summary>
/// The in-memory event log: a repeated state is not an event, the log stays within its count and age limits (a
/// long-running server must not grow), filters, and newest first.
/// </summary>
public sealed class CameraEventLogTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void The_same_state_twice_is_one_event()
    {
        CameraEventLog log = Create();
        log.AppendChange(Change(1, CameraHealthState.Online, CameraHealthState.Offline)).Should().NotBeNull();
        log.AppendChange(Change(1, CameraHealthState.Offline, CameraHealthState.Offline)).Should().BeNull();

        log.Query(new CameraEventQuery()).Should().ContainSingle().Which.To.Should().Be(CameraHealthState.Offline);
    }

    [Fact]
    public void Keeps_at_most_MaxCount_dropping_the_oldest()
    {
        CameraEventLog log = Create(maxCount: 10);
        for (int i = 0; i < 25; i++)
        {
            log.AppendChange(Change(i, CameraHealthState.Online, CameraHealthState.Offline));
        }

        log.Count.Should().Be(10);
        log.Query(new CameraEventQuery { Limit = 100 }).Select(e => e.CameraId).Should().Equal(Enumerable.Range(15, 10).Reverse().Cast<int?>());
    }

    [Fact]
    public void Drops_events_older_than_RetentionDays()
    {
        CameraEventLog log = Create(retentionDays: 2);
        log.AppendChange(Change(1, CameraHealthState.Online, CameraHealthState.Offline));
        _clock.Advance(TimeSpan.FromDays(1));
        log.AppendChange(Change(2, CameraHealthState.Online, CameraHealthState.Offline));
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        log.Query(new CameraEventQuery()).Select(e => e.CameraId).Should().Equal(2);
    }

    [Fact]
    public void Filters_by_camera_state_and_time_newest_first()
    {
        CameraEventLog log = Create();
        log.AppendServerStarted();
        log.AppendChange(Change(1, CameraHealthState.Unknown, CameraHealthState.Online));
        _clock.Advance(TimeSpan.FromHours(2));
        DateTimeOffset later = _clock.GetUtcNow();
        log.AppendChange(Change(2, CameraHealthState.Online, CameraHealthState.WrongPassword));
        log.AppendChange(Change(1, CameraHealthState.Online, CameraHealthState.Offline));
        log.AppendChange(Change(1, CameraHealthState.Offline, CameraHealthState.Online));

        log.Query(new CameraEventQuery()).Select(e => e.Type).Should().Equal(
            "camera.online", "camera.offline", "camera.wrong_password", "camera.online", "server.started");
        log.Query(new CameraEventQuery { CameraId = 1 }).Should().HaveCount(3);
        log.Query(new CameraEventQuery { State = CameraHealthState.Online }).Select(e => e.IsRecovery).Should().Equal(true, false);
        log.Query(new CameraEventQuery { Since = later }).Should().HaveCount(3);
        log.Query(new CameraEventQuery { Until = later }).Should().HaveCount(2);
        log.Query(new CameraEventQuery { Kind = CameraEventKind.ServerStarted }).Should().ContainSingle();
    }

    [Fact]
    public void Subscribers_hear_each_new_event_until_disposed()
    {
        CameraEventLog log = Create();
        var heard = new List<long>();
        IDisposable subscription = log.Subscribe(e => heard.Add(e.Id));
        CameraEvent first = log.AppendChange(Change(1, CameraHealthState.Online, CameraHealthState.Offline))!;
        subscription.Dispose();
        log.AppendChange(Change(1, CameraHealthState.Offline, CameraHealthState.Online));

        heard.Should().Equal(first.Id);
    }

    private CameraEventLog Create(int maxCount = 5000, int retentionDays = 7) => new(
        Options.Create(new EventsOptions { MaxCount = maxCount, RetentionDays = retentionDays }), _clock, NullLogger<CameraEventLog>.Instance);

    private CameraHealthChange Change(int cameraId, CameraHealthState from, CameraHealthState to) =>
        new(cameraId, "Camera " + cameraId, from, to, to == CameraHealthState.Offline ? "Connection refused." : null, _clock.GetUtcNow());
}
