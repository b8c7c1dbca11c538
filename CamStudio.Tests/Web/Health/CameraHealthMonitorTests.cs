using System.Collections.Concurrent;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Core.Health;
using CamStudio.Media.Rtsp;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Web.Components;
using CamStudio.Web.Health;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Health;

/// <summary>
/// The monitor's schedule with fakes and a manual clock: each pass is driven by the test, so spreading, the concurrency
/// limit and "never while streaming" are checked exactly, not by timing.
/// </summary>
public sealed class CameraHealthMonitorTests : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(60);
    private readonly ManualTimeProvider _clock = new();
    private readonly FakeStore _store = new();
    private readonly FakeStatusProvider _streams = new();
    private readonly FakeOwnership _ownership = new();
    private readonly FakeDescribeClient _client;
    private readonly HealthCheckRequests _requests = new();
    private readonly RecordingObserver _observer = new();
    private readonly CameraHealthMonitor _monitor;

    public CameraHealthMonitorTests()
    {
        _client = new FakeDescribeClient(_clock);
        _monitor = new CameraHealthMonitor(_store, _streams, _ownership, _client, _requests, [new ThrowingObserver(), _observer],
            Options.Create(new HealthOptions { IntervalSeconds = 60, Concurrency = 4, TimeoutSeconds = 5 }), _clock,
            NullLogger<CameraHealthMonitor>.Instance);
    }

    [Fact]
    public async Task Cameras_are_spread_evenly_across_the_interval_and_each_keeps_its_turn()
    {
        for (int id = 1; id <= 6; id++)
        {
            _store.Add(id);
        }

        DateTimeOffset start = _clock.GetUtcNow();
        for (int second = 0; second <= 175; second++)
        {
            await PassAsync();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // 6 cameras over 60 s: one every 10 s, then each again one interval later.
        _client.Calls.Where(c => c.At < start + s_interval).Select(c => (c.CameraId, (c.At - start).TotalSeconds))
            .Should().Equal((1, 0d), (2, 10d), (3, 20d), (4, 30d), (5, 40d), (6, 50d));
        _client.Calls.GroupBy(c => c.CameraId).Should().AllSatisfy(g =>
            g.Select(c => c.At).Should().BeInAscendingOrder().And.HaveCount(3)
                .And.Subject.Zip(g.Skip(1), (a, b) => b.At - a).Should().AllBeEquivalentTo(s_interval));
    }

    [Fact]
    public async Task No_more_than_the_concurrency_limit_run_at_once()
    {
        for (int id = 1; id <= 10; id++)
        {
            _store.Add(id);
        }

        await PassAsync(); // camera 1's first turn
        _client.Hold();
        _clock.Advance(s_interval);
        await _monitor.TickAsync(CancellationToken.None); // every camera is due now

        await Eventually.WaitUntilAsync(() => _client.Running == 4, TimeSpan.FromSeconds(10), "four checks running");
        _client.Release();
        await _monitor.WhenChecksDoneAsync();

        _client.Calls.Should().HaveCount(11);
        _client.MaxRunning.Should().Be(4);
    }

    [Fact]
    public async Task A_streaming_camera_is_never_asked_and_its_health_comes_from_the_stream()
    {
        _store.Add(1);
        DateTimeOffset lastFrame = _clock.GetUtcNow() - TimeSpan.FromMilliseconds(300);
        _streams.Set(new CameraRuntimeStatus { CameraId = 1, IsRunning = true, State = CameraStreamState.Streaming, LastFrameTime = lastFrame });

        for (int second = 0; second < 200; second++)
        {
            await PassAsync();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        _client.Calls.Should().BeEmpty("no DESCRIBE may reach a camera while it streams");
        _monitor.Get(1).Should().BeEquivalentTo(new { State = CameraHealthState.Online, LastSeen = lastFrame, FromStream = true });

        _streams.Set(new CameraRuntimeStatus { CameraId = 1, IsRunning = true, State = CameraStreamState.Reconnecting, LastError = "The camera has no stream at this path." });
        await PassAsync();
        _monitor.Get(1).State.Should().Be(CameraHealthState.StreamNotFound);
        _monitor.Get(1).LastSeen.Should().Be(lastFrame, "last seen stays at the last frame");

        _streams.Set(new CameraRuntimeStatus { CameraId = 1, IsRunning = true, State = CameraStreamState.AuthFailed });
        await PassAsync();
        _monitor.Get(1).State.Should().Be(CameraHealthState.WrongPassword);

        _streams.Set(CameraRuntimeStatus.Idle(1)); // the last viewer left and the grace period ended
        await PassAsync();
        _client.Calls.Should().ContainSingle("the camera is asked as soon as its stream stopped").Which.CameraId.Should().Be(1);
        _monitor.Get(1).Should().BeEquivalentTo(new { State = CameraHealthState.Online, FromStream = false });
    }

    [Fact]
    public async Task Observers_hear_each_state_change_once_even_when_another_observer_throws()
    {
        _store.Add(1);
        await PassAsync();
        _clock.Advance(s_interval);
        await PassAsync(); // online again: no change
        _client.Outcome = new RtspDescribeResult(RtspDescribeOutcome.Refused);
        _clock.Advance(s_interval);
        await PassAsync();

        _observer.Changes.Select(c => (c.CameraId, c.CameraName, c.Previous, c.Current)).Should().Equal(
            (1, "Camera 1", CameraHealthState.Unknown, CameraHealthState.Online),
            (1, "Camera 1", CameraHealthState.Online, CameraHealthState.Offline));
        _observer.Changes[1].Detail.Should().Be("Connection refused: nothing listens on port 1001.");
        _monitor.Get(1).LastSeen.Should().Be(_clock.GetUtcNow() - s_interval, "offline keeps the time the camera last answered");
    }

    [Fact]
    public async Task A_camera_another_node_serves_is_never_asked_nor_reported_and_is_checked_at_once_when_it_comes_back()
    {
        // Guards the cluster seam: two nodes must not both DESCRIBE one camera, and its events must fire on one node only.
        _store.Add(1);
        _store.Add(2);
        _ownership.MoveAway(2);
        for (int second = 0; second <= 130; second++)
        {
            await PassAsync();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        _client.Calls.Should().NotBeEmpty().And.OnlyContain(c => c.CameraId == 1, "camera 2 is the other node's to ask");
        _monitor.Get(2).Should().Be(CameraHealth.Unknown(2));
        _observer.Changes.Should().OnlyContain(c => c.CameraId == 1);

        // Camera 1 moves away: what this node knew is dropped without an event (the new owner reports), and nothing asks it.
        int callsBefore = _client.Calls.Count;
        int changesBefore = _observer.Changes.Count;
        _ownership.MoveAway(1);
        _clock.Advance(s_interval);
        await PassAsync();
        _monitor.Get(1).Should().Be(CameraHealth.Unknown(1));
        _client.Calls.Should().HaveCount(callsBefore);
        _observer.Changes.Should().HaveCount(changesBefore);

        // Camera 2 is claimed by this node: checked in the very next pass, not a whole interval later.
        _ownership.Claim(2);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await PassAsync();
        _client.Calls.Skip(callsBefore).Select(c => c.CameraId).Should().Equal(2);
        _monitor.Get(2).State.Should().Be(CameraHealthState.Online);
    }

    [Fact]
    public async Task The_demo_pattern_is_online_without_a_check()
    {
        _store.Add(1, CameraSourceKind.DemoPattern);

        await PassAsync();
        _clock.Advance(s_interval * 3);
        await PassAsync();

        _client.Calls.Should().BeEmpty();
        _monitor.Get(1).State.Should().Be(CameraHealthState.Online);
    }

    [Fact]
    public async Task An_added_or_edited_camera_is_checked_at_once_and_a_deleted_one_forgotten()
    {
        for (int id = 1; id <= 3; id++)
        {
            _store.Add(id);
        }

        await PassAsync();
        _client.Calls.Select(c => c.CameraId).Should().Equal(1);

        _clock.Advance(TimeSpan.FromSeconds(1));
        _store.Add(4);
        _store.Edit(3);
        _requests.Request(4);
        _requests.Request(3);
        await PassAsync();
        _client.Calls.Select(c => c.CameraId).Should().Equal(1, 3, 4);

        _store.Remove(4);
        _requests.Request(4);
        await PassAsync();
        _monitor.Get(4).Should().Be(CameraHealth.Unknown(4));
    }

    [Fact]
    public async Task The_check_uses_the_configured_stream_and_credentials()
    {
        _store.Add(1);
        _store.Quality = StreamQuality.Stream1;

        await PassAsync();

        _client.Calls.Single().Request.Should().Be(new RtspDescribeRequest("cam1.test", 1001, "hd1", "user1", "password1"));
    }

    [Fact]
    public async Task Disabled_asks_no_camera_but_still_reads_streaming_ones()
    {
        using var disabled = new CameraHealthMonitor(_store, _streams, _ownership, _client, _requests, [],
            Options.Create(new HealthOptions { Enabled = false }), _clock, NullLogger<CameraHealthMonitor>.Instance);
        _store.Add(1);
        _store.Add(2);
        _streams.Set(new CameraRuntimeStatus { CameraId = 2, IsRunning = true, State = CameraStreamState.Streaming, LastFrameTime = _clock.GetUtcNow() });

        for (int second = 0; second < 130; second++)
        {
            await disabled.TickAsync(CancellationToken.None);
            await disabled.WhenChecksDoneAsync();
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        _client.Calls.Should().BeEmpty();
        disabled.Get(1).State.Should().Be(CameraHealthState.Unknown);
        disabled.Get(2).State.Should().Be(CameraHealthState.Online);
    }

    private async Task PassAsync()
    {
        await _monitor.TickAsync(CancellationToken.None);
        await _monitor.WhenChecksDoneAsync();
    }

    public void Dispose() => _monitor.Dispose();

    private sealed class FakeStore : ICameraStore
    {
        private readonly ConcurrentDictionary<int, (CameraSourceKind Source, int Version)> _cameras = new();

        public StreamQuality Quality { get; set; } = StreamQuality.Stream2;

        public void Add(int id, CameraSourceKind source = CameraSourceKind.Rtsp) => _cameras[id] = (source, 1);

        public void Edit(int id) => _cameras[id] = (_cameras[id].Source, _cameras[id].Version + 1);

        public void Remove(int id) => _cameras.TryRemove(id, out _);

        public Task<IReadOnlyList<CameraResponse>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CameraResponse>>([.. _cameras.OrderBy(p => p.Key).Select(p => Response(p.Key, p.Value.Source, p.Value.Version))]);

        public Task<CameraStreamSource?> GetStreamSourceAsync(int cameraId, CancellationToken cancellationToken) =>
            Task.FromResult(_cameras.TryGetValue(cameraId, out var camera)
                ? new CameraStreamSource
                {
                    CameraId = cameraId, Source = camera.Source, Host = $"cam{cameraId}.test", RtspPort = 1000 + cameraId,
                    HdPath = $"hd{cameraId}", SdPath = $"sd{cameraId}", Username = $"user{cameraId}",
                    Password = $"password{cameraId}", StreamQuality = Quality,
                }
                : null);

        public Task<CameraResponse?> GetAsync(int cameraId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CameraResult> CreateAsync(CameraCreateRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CameraResult> UpdateAsync(int cameraId, CameraUpdate update, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken) => throw new NotSupportedException();

        private static CameraResponse Response(int id, CameraSourceKind source, int version) => new()
        {
            CameraId = id, Name = $"Camera {id}", Source = source, IpAddress = $"cam{id}.test", RtspPort = 1000 + id,
            Brand = "custom", HdPath = $"hd{id}", SdPath = $"sd{id}", Username = $"user{id}", HasPassword = true,
            StreamQuality = StreamQuality.Stream2, Audio = false, Description = "", CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch, Version = version,
        };
    }

    private sealed class FakeDescribeClient(TimeProvider clock) : IRtspDescribeClient
    {
        private readonly Lock _lock = new();
        private readonly List<(int CameraId, DateTimeOffset At, RtspDescribeRequest Request)> _calls = [];
        private TaskCompletionSource _gate = CompletedGate();
        private int _running;
        private int _maxRunning;

        public RtspDescribeResult Outcome { get; set; } = new(RtspDescribeOutcome.Ok, 200, "H264");

        public int Running => Volatile.Read(ref _running);

        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public IReadOnlyList<(int CameraId, DateTimeOffset At, RtspDescribeRequest Request)> Calls
        {
            get
            {
                lock (_lock)
                {
                    return [.. _calls];
                }
            }
        }

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task<RtspDescribeResult> DescribeAsync(RtspDescribeRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                _calls.Add((request.Port - 1000, clock.GetUtcNow(), request));
            }

            int running = Interlocked.Increment(ref _running);
            int max;
            while (running > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, max) != max)
            {
            }

            try
            {
                await _gate.Task;
                return Outcome;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }

    private sealed class RecordingObserver : ICameraHealthObserver
    {
        private readonly ConcurrentQueue<CameraHealthChange> _changes = new();

        public IReadOnlyList<CameraHealthChange> Changes => [.. _changes];

        public void OnHealthChanged(CameraHealthChange change) => _changes.Enqueue(change);
    }

    /// <summary>The cluster's view in a test: every camera is this node's until it is moved away.</summary>
    private sealed class FakeOwnership : ICameraOwnership
    {
        private readonly ConcurrentDictionary<int, string> _remote = new();

        public void MoveAway(int cameraId) => _remote[cameraId] = "node-b";

        public void Claim(int cameraId) => _remote.TryRemove(cameraId, out _);

        public bool IsLocal(int cameraId) => !_remote.ContainsKey(cameraId);

        public CameraOwner? OwnerOf(int cameraId) => IsLocal(cameraId) ? CameraOwner.ThisNode : new CameraOwner("node-b", IsLocal: false);
    }

    private sealed class ThrowingObserver : ICameraHealthObserver
    {
        public void OnHealthChanged(CameraHealthChange change) => throw new InvalidOperationException("observer bug");
    }
}
