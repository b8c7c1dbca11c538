using System.Security.Claims;
using CamStudio.Core.Cameras;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster.Forwarding;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// The entry node's remote sessions: a slot is freed by the owner's "ended" (only that owner's), and — when such a
/// message was lost — by the sweep once the owner's status has contradicted the session for 60 s, not sooner.
/// </summary>
public sealed class RemoteViewerSessionsTests
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1")], "test"));

    [Fact]
    public void Only_the_owners_ended_message_frees_the_slot()
    {
        var time = new ManualTimeProvider();
        var statuses = new Statuses();
        using var sessions = new RemoteViewerSessions(statuses, time);
        var slot = new Slot();
        sessions.Add(new RemoteSession("s1", "b", 7, "u1", User), slot);

        sessions.EndedAtOwner("c", "s1");
        slot.Released.Should().BeFalse("node c does not serve that session");
        sessions.Find("s1", "u1").Should().NotBeNull();
        sessions.Find("s1", "u2").Should().BeNull("another user's session is not found");

        sessions.EndedAtOwner("b", "s1");
        slot.Released.Should().BeTrue();
        sessions.Count.Should().Be(0);
    }

    [Fact]
    public void The_sweep_frees_a_slot_the_owners_status_contradicted_for_60_seconds()
    {
        var time = new ManualTimeProvider();
        var statuses = new Statuses();
        using var sessions = new RemoteViewerSessions(statuses, time);
        var watched = new Slot();
        var lost = new Slot();
        statuses.Set(new CameraRuntimeStatus { CameraId = 7, Node = "b", ViewerCount = 1 });
        statuses.Set(new CameraRuntimeStatus { CameraId = 8, Node = "b", ViewerCount = 0 }); // the owner shows no viewer
        sessions.Add(new RemoteSession("s7", "b", 7, "u1", User), watched);
        sessions.Add(new RemoteSession("s8", "b", 8, "u1", User), lost);

        time.Advance(RemoteViewerSessions.SweepInterval); // first sweep: contradiction noticed
        time.Advance(TimeSpan.FromSeconds(50));
        lost.Released.Should().BeFalse("not yet 60 s");

        // The camera moves to node c for a while, then back: a contradiction that ended restarts the clock.
        statuses.Set(new CameraRuntimeStatus { CameraId = 7, Node = "c", ViewerCount = 1 });
        time.Advance(RemoteViewerSessions.SweepInterval);
        lost.Released.Should().BeTrue("60 s without a viewer on its owner");
        statuses.Set(new CameraRuntimeStatus { CameraId = 7, Node = "b", ViewerCount = 1 });
        time.Advance(TimeSpan.FromSeconds(120));
        watched.Released.Should().BeFalse("its owner shows viewers again");
        sessions.Count.Should().Be(1);
    }

    private sealed class Slot : IDisposable
    {
        public bool Released { get; private set; }

        public void Dispose() => Released = true;
    }

    private sealed class Statuses : ICameraRuntimeStatusProvider
    {
        private readonly Dictionary<int, CameraRuntimeStatus> _statuses = [];

        public void Set(CameraRuntimeStatus status)
        {
            lock (_statuses)
            {
                _statuses[status.CameraId] = status;
            }
        }

        public CameraRuntimeStatus GetStatus(int cameraId)
        {
            lock (_statuses)
            {
                return _statuses.GetValueOrDefault(cameraId) ?? CameraRuntimeStatus.Idle(cameraId);
            }
        }
    }
}
