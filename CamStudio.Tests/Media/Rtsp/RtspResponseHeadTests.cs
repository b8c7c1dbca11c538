using System.Text;
using CamStudio.Media.Rtsp;
using FluentAssertions;

namespace CamStudio.Tests.Media.Rtsp;

public class RtspResponseHeadTests
{
    private const string Unauthorized =
        "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n" +
        "WWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\"\r\nContent-Length: 0\r\n\r\n";

    [Fact]
    public void Reads_status_content_length_and_every_challenge()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Unauthorized);

        RtspResponseHead.TryRead(bytes, out RtspResponseHead head, out int length).Should().Be(RtspReadStatus.Complete);

        length.Should().Be(bytes.Length);
        head.StatusCode.Should().Be(401);
        head.ContentLength.Should().Be(0);
        head.ChallengeCount.Should().Be(2);
        Encoding.ASCII.GetString(bytes[head.Challenge(0)]).Should().Be("Basic realm=\"cam\"");
        Encoding.ASCII.GetString(bytes[head.Challenge(1)]).Should().Be("Digest realm=\"cam\", nonce=\"abc\"");
    }

    [Fact]
    public void Every_prefix_of_a_valid_head_is_incomplete_never_malformed()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Unauthorized);
        for (int length = 0; length < bytes.Length; length++)
        {
            RtspResponseHead.TryRead(bytes.AsSpan(0, length), out _, out _).Should().Be(RtspReadStatus.Incomplete, $"{length} bytes are a prefix");
        }
    }

    [Fact]
    public void Accepts_bare_line_feeds()
    {
        byte[] bytes = "RTSP/1.0 404 Not Found\nCSeq: 1\n\n"u8.ToArray();

        RtspResponseHead.TryRead(bytes, out RtspResponseHead head, out int length).Should().Be(RtspReadStatus.Complete);
        head.StatusCode.Should().Be(404);
        length.Should().Be(bytes.Length);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n")]          // a web server on the RTSP port
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]          // something else entirely
    [InlineData("RTSP/1.0 2x0 OK\r\n\r\n")]
    [InlineData("RTSP/1.0 2000 OK\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 99999999999\r\n\r\n")]
    [InlineData("RTSP/1.0 200 OK\r\nContent-Length: 12abc\r\n\r\n")]
    [InlineData("\0\0\0\0\0\0\0\0\0\0")]
    public void Garbage_is_malformed(string text)
    {
        RtspResponseHead.TryRead(Encoding.Latin1.GetBytes(text), out _, out _).Should().Be(RtspReadStatus.Malformed);
    }

    [Fact]
    public void An_endless_head_is_malformed_once_past_the_limit()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("RTSP/1.0 200 OK\r\n" + new string('x', RtspResponseHead.MaxHeadLength));

        RtspResponseHead.TryRead(bytes, out _, out _).Should().Be(RtspReadStatus.Malformed);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(17);
        byte[] bytes = new byte[512];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            int length = random.Next(bytes.Length);
            if (i % 2 == 0)
            {
                "RTSP/1.0 "u8.CopyTo(bytes); // get past the version check half of the time
            }

            RtspResponseHead.TryRead(bytes.AsSpan(0, length), out RtspResponseHead head, out _);
            for (int c = 0; c < head.ChallengeCount; c++)
            {
                DigestChallenge.TryParse(bytes.AsSpan(0, length)[head.Challenge(c)], out _);
            }

            SdpVideoCodec.TryRead(bytes.AsSpan(0, length), out _);
        }
    }
}
