using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// Which of two nodes' statuses of one camera a page shows while the camera moves: the newer lease (higher fencing token)
/// wins, so a fenced old owner's late message cannot replace the new owner's; without tokens the newest message wins.
/// </summary>
public sealed class RemoteCameraStatusTests
{
    private static readonly Guid s_incarnationA = Guid.NewGuid();
    private static readonly Guid s_incarnationB = Guid.NewGuid();

    [Fact]
    public void A_status_with_an_older_token_is_dropped_while_the_newer_owner_is_fresh()
    {
        ClusterStatusBus bus = NewBus(out ManualTimeProvider clock);
        bus.Receive(Message("b", s_incarnationB, token: 6, viewers: 1));
        bus.Receive(Message("a", s_incarnationA, token: 5, viewers: 9)); // the old owner, still publishing late

        bus.Find(7)!.Node.Should().Be("b");
        bus.Find(7)!.Status.ViewerCount.Should().Be(1);

        bus.Receive(Message("a", s_incarnationA, token: 7, viewers: 2)); // a newer claim by A
        bus.Find(7)!.Node.Should().Be("a");

        clock.Advance(ClusterStatusBus.StatusTtl);
        bus.Find(7).Should().BeNull("nothing fresh: the camera is moving");
        bus.Receive(Message("b", s_incarnationB, token: 6, viewers: 1));
        bus.Find(7)!.Node.Should().Be("b", "an expired status never blocks a fresh one");
    }

    [Fact]
    public void Without_tokens_the_newest_message_wins_and_this_node_ignores_its_own()
    {
        ClusterStatusBus bus = NewBus(out _);
        bus.Receive(Message("b", s_incarnationB, token: null, viewers: 1));
        bus.Receive(Message("a", s_incarnationA, token: null, viewers: 2));
        bus.Find(7)!.Node.Should().Be("a");

        bus.Receive(Message("me", Guid.NewGuid(), token: null, viewers: 5));
        bus.Find(7)!.Node.Should().Be("a");

        bus.Receive("{not json");
        bus.Receive("{\"node\":\"x\"}");
        bus.Find(7)!.Node.Should().Be("a", "unreadable messages are ignored, never thrown");
    }

    private static ClusterStatusBus NewBus(out ManualTimeProvider clock)
    {
        var options = Options.Create(new ClusterOptions { NodeName = "me", Redis = "127.0.0.1:1" });
        var identity = new ClusterNodeIdentity(options);
        clock = new ManualTimeProvider();
        // Never connected: Receive is what the subscription calls.
        return new ClusterStatusBus(new RedisConnection(options, NullLogger<RedisConnection>.Instance), identity,
            new IdleCameraRuntimeStatusProvider(), new NoCameras(), tokens: null, clock, NullLogger<ClusterStatusBus>.Instance);
    }

    private static RedisValue Message(string node, Guid incarnation, long? token, int viewers) => JsonSerializer.Serialize(new
    {
        node,
        incarnation,
        entries = new[] { new { token, status = new { camera_id = 7, viewer_count = viewers, state = "streaming" } } },
    });

    private sealed class NoCameras : INodeLoadSource
    {
        public ValueTask<NodeLoad> GetLoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new NodeLoad([], 0, 0));
    }
}
