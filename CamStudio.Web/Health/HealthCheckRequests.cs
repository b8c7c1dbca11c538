using System.Threading.Channels;

namespace CamStudio.Web.Health;

/// <summary>
/// Tells the health monitor that a camera was added, edited or deleted, so it is checked (or forgotten) at once rather
/// than at its next turn. Bounded and lossy on purpose: a dropped request only delays a check until the monitor's next
/// periodic look at the camera list.
/// </summary>
public sealed class HealthCheckRequests
{
    private const int Capacity = 256;

    private readonly Channel<int> _channel = Channel.CreateBounded<int>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>Asks for <paramref name="cameraId"/> to be looked at now. Never blocks.</summary>
    public void Request(int cameraId) => _channel.Writer.TryWrite(cameraId);

    internal ChannelReader<int> Reader => _channel.Reader;
}
