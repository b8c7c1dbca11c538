using CamStudio.Media.Video;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Hls;

// Placeholder for the feeding layer being written on the hlsfeed branch; replaced by it at merge.
public sealed class HlsPackager : IH264PacketSink, IDisposable
{
    public HlsPackager(HlsPartStoreOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _ = options;
        _ = timeProvider;
        _ = logger;
    }

    public event Action? StoreChanged;

    public HlsPartStore? Store { get; private set; }

    public int Generation { get; private set; }

    public string? Problem { get; private set; }

    public void OnPacket(ReadOnlySpan<byte> rtpPacket, in H264PacketInfo info)
    {
        _ = rtpPacket;
        _ = info;
        StoreChanged?.Invoke();
    }

    public void Dispose()
    {
        Store?.Dispose();
        Store = null;
        Generation++;
        Problem = null;
    }
}
