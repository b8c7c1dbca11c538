using CamStudio.Media.Hls;

namespace CamStudio.Tests.Media.Hls;

public class LlHlsPlaylistWriterTests
{
    [Fact]
    public void Playlist_ForAKnownWindow_IsExactlyThis()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = HlsPartStoreTests.NewStore(clock, HlsPartStoreTests.SmallOptions(maxSegments: 4));
        HlsPartStoreTests.AppendGops(store, clock, 11); // segments 1..4 kept (0 evicted), segment 5 open with one part

        string playlist = LlHlsPlaylistWriter.Write(store.Snapshot(), includeProgramDateTime: true);

        // Parts are listed for segments ending less than 3 target durations (3 s) before the end: 2, 3 and 4, not 1.
        playlist.Should().Be(
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:1
            #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5
            #EXT-X-PART-INF:PART-TARGET=0.5
            #EXT-X-MEDIA-SEQUENCE:1
            #EXT-X-MAP:URI="init.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:01.000Z
            #EXTINF:1.0,
            seg1.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000Z
            #EXT-X-PART:DURATION=0.5,URI="part2.0.m4s",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.5,URI="part2.1.m4s"
            #EXTINF:1.0,
            seg2.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:03.000Z
            #EXT-X-PART:DURATION=0.5,URI="part3.0.m4s",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.5,URI="part3.1.m4s"
            #EXTINF:1.0,
            seg3.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04.000Z
            #EXT-X-PART:DURATION=0.5,URI="part4.0.m4s",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.5,URI="part4.1.m4s"
            #EXTINF:1.0,
            seg4.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:05.000Z
            #EXT-X-PART:DURATION=0.5,URI="part5.0.m4s",INDEPENDENT=YES
            #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part5.1.m4s"

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Playlist_BeforeAnySegmentCompletes_ListsTheOpenPartsAndHintsTheNext()
    {
        var clock = new ManualTimeProvider();
        using HlsPartStore store = HlsPartStoreTests.NewStore(clock);
        HlsPartStoreTests.AppendGops(store, clock, 1);

        string playlist = LlHlsPlaylistWriter.Write(store.Snapshot(), includeProgramDateTime: false);

        playlist.Should().EndWith(
            """
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-MAP:URI="init.mp4"
            #EXT-X-PART:DURATION=0.5,URI="part0.0.m4s",INDEPENDENT=YES
            #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part0.1.m4s"

            """.ReplaceLineEndings("\n"));
        playlist.Should().NotContain("PROGRAM-DATE-TIME");
    }

    [Theory]
    [InlineData(90_000L, "1.0")]
    [InlineData(45_000L, "0.5")]
    [InlineData(3_000L, "0.03333")] // one frame at 30 fps
    [InlineData(3_003L, "0.03337")] // 29.97 fps
    [InlineData(180_001L, "2.00001")]
    [InlineData(1L, "0.00001")]
    public void Seconds_AreInvariantDecimalsExactTo5Places(long ticks, string expected)
    {
        LlHlsPlaylistWriter.Seconds(ticks).Should().Be(expected);
    }
}
