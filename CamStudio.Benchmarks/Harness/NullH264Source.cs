using CamStudio.Media.Video;

namespace CamStudio.Benchmarks.Harness;

/// <summary>A source that accepts subscriptions and replays nothing: the benchmark pushes packets into the sessions itself.</summary>
internal sealed class NullH264Source : IVideoStreamSource
{
    public VideoCodec Codec => VideoCodec.H264;

    public string? ProfileLevelId => "42e01f";

    public int LargestReplayPackets => 0;

    public IDisposable Subscribe(IVideoPacketSink sink) => NoSubscription.Instance;

    public void ResendKeyFrame(IVideoPacketSink sink)
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
