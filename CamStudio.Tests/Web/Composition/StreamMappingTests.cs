using System.Text.Json;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Web.Composition;

namespace CamStudio.Tests.Web.Composition;

/// <summary>
/// The media library's types and the camera model's are separate on purpose (Media references no CamStudio project);
/// these tests fail if the two drift apart, e.g. a state added on one side only, or a quality name spelled differently.
/// </summary>
public sealed class StreamMappingTests
{
    [Fact]
    public void Every_variant_maps_to_the_quality_whose_json_name_the_parser_reads()
    {
        Enum.GetValues<StreamVariant>().Should().HaveSameCount(Enum.GetValues<StreamQuality>());
        foreach (StreamVariant variant in Enum.GetValues<StreamVariant>())
        {
            StreamQuality quality = variant.ToStreamQuality();
            quality.ToVariant().Should().Be(variant);
            JsonSerializer.Serialize(quality).Should().Be("\"" + StreamVariantNames.ToName(variant) + "\"");
        }
    }

    [Fact]
    public void Every_stream_state_maps_to_the_camera_state_of_the_same_name()
    {
        Enum.GetNames<StreamState>().Should().BeEquivalentTo(Enum.GetNames<CameraStreamState>());
        foreach (StreamState state in Enum.GetValues<StreamState>())
        {
            state.ToCameraStreamState().ToString().Should().Be(state.ToString());
        }
    }

    [Fact]
    public void A_feed_carries_every_connection_field_and_the_demo_kind()
    {
        var stored = new CameraStreamSource
        {
            CameraId = 7, Source = CameraSourceKind.DemoPattern, Host = "10.0.0.9", RtspPort = 8554, HdPath = "/hd", SdPath = "/sd",
            Username = "admin", Password = "secret", StreamQuality = StreamQuality.Stream1, Audio = true,
        };

        CameraFeed feed = CameraFeedLookup.ToFeed(stored);

        feed.Should().BeEquivalentTo(new
        {
            CameraId = 7, Kind = CameraFeedKind.TestPattern, Host = "10.0.0.9", RtspPort = 8554, HdPath = "/hd", SdPath = "/sd",
            Username = "admin", Password = "secret", DefaultVariant = StreamVariant.Stream1, Audio = true,
        });
        CameraFeedLookup.ToFeed(new CameraStreamSource
        {
            CameraId = 1, Source = CameraSourceKind.Rtsp, Host = "h", RtspPort = 554, HdPath = "", SdPath = "",
            Username = "", Password = "", StreamQuality = StreamQuality.Stream2,
        }).Should().BeEquivalentTo(new { Kind = CameraFeedKind.Rtsp, DefaultVariant = StreamVariant.Stream2, Audio = false });
        feed.ToString().Should().NotContain("secret");
    }

    [Fact]
    public void The_headline_is_the_watched_stream_and_counts_add_up()
    {
        StreamStatus sd = new() { Quality = StreamVariant.Stream2, State = StreamState.Streaming, IsRunning = true, ViewerCount = 2, PeerConnectionCount = 2, Fps = 12.5, Width = 640 };
        StreamStatus hd = new() { Quality = StreamVariant.Stream1, State = StreamState.AuthFailed, IsRunning = true, ViewerCount = 1, LastError = "401" };

        CameraRuntimeStatus status = StreamRuntimeStatusProvider.Aggregate(5, [sd, hd]);

        status.CameraId.Should().Be(5);
        status.State.Should().Be(CameraStreamState.Streaming);
        status.Fps.Should().Be(12.5);
        status.ViewerCount.Should().Be(3);
        status.PeerConnectionCount.Should().Be(2);
        status.Streams.Select(s => s.Quality).Should().Equal(StreamQuality.Stream1, StreamQuality.Stream2);
        status.Streams[0].State.Should().Be(CameraStreamState.AuthFailed);
        status.Streams[0].LastError.Should().Be("401");
        status.Streams[1].Width.Should().Be(640);
        StreamRuntimeStatusProvider.Aggregate(9, []).Should().BeEquivalentTo(CameraRuntimeStatus.Idle(9));
    }

    [Fact]
    public void Hls_viewers_are_split_out_and_stream_type_says_hls_only_when_hls_is_all_that_is_served()
    {
        StreamStatus sdHls = new() { Quality = StreamVariant.Stream2, IsRunning = true, ViewerCount = 2, HlsViewerCount = 2 };
        StreamStatus hdWebRtc = new() { Quality = StreamVariant.Stream1, IsRunning = true, ViewerCount = 1, PeerConnectionCount = 1 };
        StreamStatus hdBFrames = new() { Quality = StreamVariant.Stream1, IsRunning = true, HlsProblem = "B-frames" };

        CameraRuntimeStatus hlsOnly = StreamRuntimeStatusProvider.Aggregate(5, [sdHls, hdBFrames]);
        hlsOnly.StreamType.Should().Be("hls");
        hlsOnly.HlsViewerCount.Should().Be(2);
        hlsOnly.WebRtcViewerCount.Should().Be(0);
        hlsOnly.Streams[0].HlsProblem.Should().Be("B-frames");

        CameraRuntimeStatus mixed = StreamRuntimeStatusProvider.Aggregate(5, [sdHls, hdWebRtc]);
        mixed.StreamType.Should().Be("webrtc", "WebRTC is served too");
        mixed.ViewerCount.Should().Be(3);
        (mixed.WebRtcViewerCount, mixed.HlsViewerCount).Should().Be((1, 2));
        mixed.Streams.Select(s => (s.WebRtcViewerCount, s.HlsViewerCount)).Should().Equal((1, 0), (0, 2));

        StreamRuntimeStatusProvider.Aggregate(5, [hdWebRtc]).StreamType.Should().Be("webrtc");
    }
}
