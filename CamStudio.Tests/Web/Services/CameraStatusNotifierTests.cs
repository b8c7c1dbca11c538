using CamStudio.Core.Cameras;
using CamStudio.Tests.Web.Components;
using CamStudio.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamStudio.Tests.Web.Services;

public sealed class CameraStatusNotifierTests
{
    private readonly FakeStatusProvider _statuses = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly CameraStatusNotifier _notifier;

    public CameraStatusNotifierTests()
    {
        _notifier = new CameraStatusNotifier(_statuses, _clock, NullLogger<CameraStatusNotifier>.Instance);
    }

    [Fact]
    public void StateOrViewerChange_IsPublishedAtOnce_OtherwiseOncePerSecond()
    {
        List<CameraStatusSnapshot> received = [];
        using CameraStatusSubscription subscription = _notifier.Subscribe(received.Add);
        subscription.Watch([1]);
        _notifier.Check().Should().BeTrue("the first check publishes the initial state");

        _notifier.Check().Should().BeFalse("nothing changed and the second is not over");
        _statuses.Set(new CameraRuntimeStatus { CameraId = 1, State = CameraStreamState.Starting, IsRunning = true });
        _notifier.Check().Should().BeTrue("the state changed");
        _statuses.Set(new CameraRuntimeStatus { CameraId = 1, State = CameraStreamState.Starting, IsRunning = true, ViewerCount = 1 });
        _notifier.Check().Should().BeTrue("the viewer count changed");
        _statuses.Set(new CameraRuntimeStatus { CameraId = 1, State = CameraStreamState.Starting, IsRunning = true, ViewerCount = 1, Fps = 25 });
        _notifier.Check().Should().BeFalse("fps alone waits for the once-a-second snapshot");

        _clock.Advance(CameraStatusNotifier.PublishInterval);
        _notifier.Check().Should().BeTrue();

        received.Should().HaveCount(4);
        received[^1].Get(1).Fps.Should().Be(25);
        received[^1].At.Should().Be(_clock.GetUtcNow());
        received[^1].Get(2).State.Should().Be(CameraStreamState.Idle, "cameras nobody watches read as idle");
    }

    [Fact]
    public void HealthChange_IsPublishedAtOnce()
    {
        List<CameraStatusSnapshot> received = [];
        using CameraStatusSubscription subscription = _notifier.Subscribe(received.Add);
        subscription.Watch([1]);
        _notifier.Check().Should().BeTrue();

        // A camera nobody watches went offline: the stream state stays idle, only the background check saw it.
        _statuses.Set(new CameraRuntimeStatus
        {
            CameraId = 1,
            Health = new CamStudio.Core.Health.CameraHealth { CameraId = 1, State = CamStudio.Core.Health.CameraHealthState.Offline },
        });

        _notifier.Check().Should().BeTrue("the pages must show the change without waiting for the once-a-second snapshot");
        received[^1].Get(1).Health!.State.Should().Be(CamStudio.Core.Health.CameraHealthState.Offline);
    }

    [Fact]
    public void DisposedSubscription_GetsNothing_AndAFailingSubscriberDoesNotStopTheOthers()
    {
        List<CameraStatusSnapshot> kept = [];
        int disposedCalls = 0;
        CameraStatusSubscription gone = _notifier.Subscribe(_ => disposedCalls++);
        using CameraStatusSubscription failing = _notifier.Subscribe(_ => throw new InvalidOperationException("boom"));
        using CameraStatusSubscription healthy = _notifier.Subscribe(kept.Add);
        gone.Dispose();

        _notifier.Publish();

        disposedCalls.Should().Be(0);
        kept.Should().ContainSingle();
    }

    [Fact]
    public void Snapshot_CarriesTheUnionOfWatchedCameras()
    {
        _statuses.Set(new CameraRuntimeStatus { CameraId = 1, State = CameraStreamState.Streaming, ViewerCount = 2 });
        _statuses.Set(new CameraRuntimeStatus { CameraId = 2, State = CameraStreamState.AuthFailed });
        CameraStatusSnapshot? last = null;
        using CameraStatusSubscription a = _notifier.Subscribe(s => last = s);
        using CameraStatusSubscription b = _notifier.Subscribe(_ => { });
        a.Watch([1]);
        b.Watch([2]);

        _notifier.Publish();

        last!.Statuses.Keys.Should().BeEquivalentTo([1, 2]);
        last.Get(1).ViewerCount.Should().Be(2);
        last.Get(2).State.Should().Be(CameraStreamState.AuthFailed);
    }

    [Fact]
    public async Task WhileNoPageSubscribes_TheLoopRunsNoTimer_AndASubscriberWakesIt()
    {
        // Guards the idle CPU: four wake-ups a second for nobody were a third of an idle server's CPU (issue 16).
        await _notifier.StartAsync(CancellationToken.None);
        try
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            _clock.TimerCount.Should().Be(0, "nobody watches, so nothing should tick");

            List<CameraStatusSnapshot> received = [];
            CameraStatusSubscription subscription = _notifier.Subscribe(s => { lock (received) { received.Add(s); } });
            subscription.Watch([1]);
            await Eventually.WaitUntilAsync(() => _clock.TimerCount == 1, TimeSpan.FromSeconds(10), "the loop to start its timer");
            _clock.Advance(CameraStatusNotifier.CheckInterval);
            await Eventually.WaitUntilAsync(() => { lock (received) { return received.Count == 1; } }, TimeSpan.FromSeconds(10),
                "the subscriber's first snapshot");

            subscription.Dispose();
            _clock.Advance(CameraStatusNotifier.CheckInterval);
            await Eventually.WaitUntilAsync(() => _clock.TimerCount == 0, TimeSpan.FromSeconds(10), "the loop to park again");
        }
        finally
        {
            await _notifier.StopAsync(CancellationToken.None);
        }
    }
}
