using System.Diagnostics;
using System.Net;
using System.Text;
using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

/// <summary>Property tests: nothing a client can send makes the SDP code throw or take more than linear time.</summary>
public class SdpFuzzTests
{
    private static readonly SdpAnswerOptions s_options = new(
        "camU",
        "camstudiopassword12345678",
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
        [new IPEndPoint(IPAddress.Loopback, 50000)],
        1234,
        "cam",
        "video");

    private static readonly string[] s_fixtures =
        [SdpFixtures.Chrome120AudioVideoData, SdpFixtures.Chrome126VideoOnly, SdpFixtures.FirefoxAudioVideo];

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(8866);
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (bytes.Length > 4 && random.Next(2) == 0)
            {
                "v=0\n"u8.CopyTo(bytes); // Get past the first-line check now and then.
            }

            Exercise(Encoding.UTF8.GetString(bytes));
            Exercise(Encoding.Latin1.GetString(bytes));
        }
    }

    [Fact]
    public void Random_sdp_shaped_text_never_throws()
    {
        // Text built from SDP's own vocabulary reaches deeper than raw bytes do.
        string[] pieces =
        [
            "v=0", "o=- 1 2 IN IP4 0.0.0.0", "s=-", "t=0 0", "m=video 9 UDP/TLS/RTP/SAVPF 96 102", "m=audio 0 RTP/AVP 0",
            "a=rtpmap:102 H264/90000", "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f", "a=rtcp-fb:* nack",
            "a=mid:0", "a=group:BUNDLE 0 1", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwxyz", "a=setup:actpass",
            "a=fingerprint:sha-256 " + SdpFixtures.ChromeFingerprint, "a=rtcp-mux", "a=recvonly", "a=extmap:5 uri",
            "a=fmtp:96 apt=102", "a=rtpmap:96 rtx/90000", " ", ":", "/", "=", ";", "\r", "\n", "\r\n", "\0", "999999999999", "-1",
        ];
        var random = new Random(8829);
        for (var i = 0; i < 5_000; i++)
        {
            var sb = new StringBuilder();
            var count = random.Next(0, 60);
            for (var j = 0; j < count; j++)
            {
                sb.Append(pieces[random.Next(pieces.Length)]);
                if (random.Next(3) > 0)
                {
                    sb.Append("\r\n");
                }
            }

            Exercise(sb.ToString());
        }
    }

    [Fact]
    public void Line_mutations_of_real_offers_never_throw_and_accepted_ones_answer_cleanly()
    {
        var random = new Random(8843);
        var accepted = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var lines = s_fixtures[random.Next(s_fixtures.Length)].Split("\r\n").ToList();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations && lines.Count > 1; m++)
            {
                Mutate(lines, random);
            }

            if (Exercise(string.Join("\r\n", lines)))
            {
                accepted++;
            }
        }

        // Many single-line mutations hit attributes we ignore; make sure the answer path really ran.
        accepted.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Worst_case_inputs_within_the_limits_parse_in_linear_time()
    {
        // Quadratic behaviour would show up as seconds here; linear parsing takes milliseconds.
        var header = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF "
            + string.Join(' ', Enumerable.Range(0, 128)) + "\r\n";
        string[] bodies =
        [
            string.Concat(Enumerable.Repeat("a=rtcp-fb:96 nack\r\n", 3_000)),
            string.Concat(Enumerable.Repeat("a=rtcp-fb:* nack pli\r\n", 2_800)),
            string.Concat(Enumerable.Range(0, 128).Select(pt => $"a=rtpmap:{pt} H264/90000\r\na=fmtp:{pt} {new string(';', 300)}\r\n")),
            "a=fmtp:96 " + string.Concat(Enumerable.Repeat("a=b;", 500)) + "\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", 4_000)),
        ];

        foreach (var body in bodies)
        {
            var sdp = (header + body)[..Math.Min(header.Length + body.Length, SdpOffer.MaxLength)];
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++)
            {
                Exercise(sdp);
            }

            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        }
    }

    private static void Mutate(List<string> lines, Random random)
    {
        var index = random.Next(lines.Count);
        var line = lines[index];
        switch (random.Next(8))
        {
            case 0:
                lines.RemoveAt(index);
                break;
            case 1:
                lines.Insert(index, line);
                break;
            case 2:
                var other = random.Next(lines.Count);
                (lines[index], lines[other]) = (lines[other], line);
                break;
            case 3:
                lines[index] = line[..random.Next(line.Length + 1)];
                break;
            case 4 when line.Length > 0:
                lines[index] = line.Insert(random.Next(line.Length), ((char)random.Next(0, 128)).ToString());
                break;
            case 5:
                lines[index] = new string(line.Select(c => char.IsAsciiDigit(c) && random.Next(4) == 0 ? (char)('0' + random.Next(10)) : c).ToArray());
                break;
            case 6:
                lines[index] = line.Replace(' ', random.Next(2) == 0 ? '/' : ':');
                break;
            default:
                lines[index] = line + " " + random.Next();
                break;
        }
    }

    /// <summary>Parse, validate and, when accepted, answer and re-parse the answer. Returns whether it was accepted.</summary>
    private static bool Exercise(string sdp)
    {
        if (!SdpOffer.TryParse(sdp, out var offer, out var error))
        {
            error.Should().NotBeNullOrEmpty();
            return false;
        }

        if (!SdpOfferValidator.TryValidate(offer!, out error))
        {
            error.Should().NotBeNullOrEmpty();
            return false;
        }

        var codec = H264CodecSelector.Select(offer!.Video!, "640028");
        codec.Should().NotBeNull("a validated offer always has a usable H.264");
        var answer = SdpAnswerBuilder.Build(offer, codec!, s_options);
        SdpOffer.TryParse(answer.Sdp, out var reparsed, out error).Should().BeTrue(error);
        reparsed!.Media.Should().HaveCount(offer.Media.Count);
        return true;
    }
}
