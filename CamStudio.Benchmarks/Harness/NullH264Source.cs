using CamStudio.Media.Video;

namespace CamStudio.Benchmarks.Harness;

/// <summary>A source that accepts subscriptions and replays nothing: the benchmark pushes packets into the sessions itself.</summary>
internal sealed class NullH264Source : IH264StreamSource
{
    public string? ProfileLevelId => "42e01f";

    public int LargestReplayPackets => 0;

    public IDisposable Subscribe(IH264PacketSink sink) => NoSubscription.Instance;

    public void ResendKeyFrame(IH264PacketSink sink)
    {
    }

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
