using System.Text;
using CamStudio.Media.Sdp;

namespace CamStudio.Tests.Media.Sdp;

/// <summary>
/// Malformed and hostile offers: each must come back as a clear error naming the problem, never an exception or a hang.
/// Most cases are one mutation of a valid Chromium offer, so each isolates exactly one fault.
/// </summary>
public class SdpHostileOfferTests
{
    private static readonly string s_chrome = SdpFixtures.Chrome126VideoOnly;
    private static readonly string s_firefox = SdpFixtures.FirefoxAudioVideo;

    private static readonly Dictionary<string, (string Sdp, string Expected)> s_cases = new()
    {
        ["empty"] = (string.Empty, "empty"),
        ["whitespace_only"] = ("  \r\n\t\r\n", "empty"),
        ["json_instead_of_sdp"] = ("{\"type\":\"offer\",\"sdp\":\"v=0\"}", "not SDP"),
        ["html_error_page"] = ("<html><body>502 Bad Gateway</body></html>", "not SDP"),
        ["nul_byte"] = (s_chrome.Insert(40, "\0"), "binary data"),
        ["binary_garbage"] = (Encoding.Latin1.GetString(Enumerable.Range(0, 256).Select(i => (byte)(i * 7)).ToArray()), "binary data"),
        ["invalid_utf8_replacement_char"] = (s_chrome.Replace("s=-", "s=\uFFFD\uFFFD", StringComparison.Ordinal), "binary data"),
        ["huge_input_70k"] = (s_chrome + new string('a', 70_000), "the limit is 65536"),
        ["ten_thousand_lines"] = ("v=0\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", 10_000)), "more than 4096 lines"),
        ["hundred_k_char_line"] = (s_chrome + "a=" + new string('x', 100_000) + "\r\n", "the limit is 65536"),
        ["three_k_char_line"] = (s_chrome + "a=fmtp:96 " + new string('x', 3_000) + "\r\n", "characters long; the limit is 2048"),
        ["missing_v_line"] = (Remove(s_chrome, "v=0\r\n"), "first line must be \"v=0\""),
        ["wrong_version"] = (Replace(s_chrome, "v=0", "v=1"), "first line must be \"v=0\""),
        ["missing_o_line"] = (Remove(s_chrome, "o=- 8127364019283746512 2 IN IP4 127.0.0.1\r\n"), "no o= line"),
        ["missing_s_line"] = (Remove(s_chrome, "s=-\r\n"), "no s= line"),
        ["origin_with_missing_fields"] = (Replace(s_chrome, "o=- 8127364019283746512 2 IN IP4 127.0.0.1", "o=- 1 2 IN IP4"), "six fields"),
        ["unknown_type_letter"] = (Replace(s_chrome, "t=0 0", "x=0 0"), "type letter"),
        ["line_without_equals"] = (Replace(s_chrome, "t=0 0", "hello world"), "type letter"),
        ["stray_carriage_return"] = (Replace(s_chrome, "a=mid:0\r\n", "a=mid:0\rX\r\n"), "carriage return"),
        ["no_video_m_line"] = (Replace(s_firefox[..s_firefox.IndexOf("m=video", StringComparison.Ordinal)], "BUNDLE 0 1", "BUNDLE 0"), "no video m= line"),
        ["video_port_zero"] = (Replace(s_chrome, "m=video 9 ", "m=video 0 "), "port 0"),
        ["video_sendonly"] = (Replace(s_chrome, "a=recvonly", "a=sendonly"), "sendonly"),
        ["video_inactive"] = (Replace(s_chrome, "a=recvonly", "a=inactive"), "inactive"),
        ["two_direction_attributes"] = (Replace(s_chrome, "a=recvonly", "a=recvonly\r\na=sendrecv"), "second direction"),
        ["no_h264"] = (Replace(s_chrome, "H264/90000", "H266/90000"), "no H.264 (offered: VP8, H266, AV1, VP9)"),
        ["h264_packetization_mode_0_only"] = (Replace(s_firefox, "level-asymmetry-allowed=1;packetization-mode=1", "level-asymmetry-allowed=1"), "packetization-mode=0"),
        ["h264_profile_level_id_malformed"] = (Replace(Replace(Replace(Replace(Replace(s_chrome, "=42e01f", "=zz"), "=42001f", "=zz"), "=4d001f", "=zz"), "=640034", "=zz"), "=f4001f", "=zz"), "malformed profile-level-id"),
        ["missing_ice_ufrag"] = (Remove(s_chrome, "a=ice-ufrag:kT9+\r\n"), "no a=ice-ufrag"),
        ["missing_ice_pwd"] = (Remove(s_chrome, "a=ice-pwd:q0Hn5c2xVZf7pYtLbR1d8wE3\r\n"), "no a=ice-pwd"),
        ["ice_pwd_too_short"] = (Replace(s_chrome, "a=ice-pwd:q0Hn5c2xVZf7pYtLbR1d8wE3", "a=ice-pwd:short"), "ice-pwd must be 22"),
        ["ice_ufrag_bad_chars"] = (Replace(s_chrome, "a=ice-ufrag:kT9+", "a=ice-ufrag:k$$$"), "ice-ufrag must be 4"),
        ["duplicate_ice_ufrag"] = (Replace(s_chrome, "a=ice-ufrag:kT9+", "a=ice-ufrag:kT9+\r\na=ice-ufrag:abcd"), "appears twice"),
        ["missing_fingerprint"] = (RemoveLineStarting(s_chrome, "a=fingerprint:"), "no a=fingerprint"),
        ["sha1_fingerprint_only"] = (Replace(s_chrome, "a=fingerprint:sha-256 0F:25:9E:1A:73:B4:C8:6D:22:E5:91:0A:4C:77:3B:D8:9F:61:E0:5A:B2:14:C9:8E:37:DA:06:F3:58:2B:AC:41", "a=fingerprint:sha-1 0F:25:9E:1A:73:B4:C8:6D:22:E5:91:0A:4C:77:3B:D8:9F:61:E0:5A"), "sha-1 only"),
        ["fingerprint_not_hex"] = (Replace(s_chrome, "a=fingerprint:sha-256 0F:25", "a=fingerprint:sha-256 ZZ:25"), "hex byte pairs"),
        ["fingerprint_sha256_wrong_length"] = (Replace(s_chrome, ":58:2B:AC:41", string.Empty), "not 32 bytes"),
        ["setup_passive"] = (Replace(s_chrome, "a=setup:actpass", "a=setup:passive"), "setup:passive"),
        ["setup_unknown_value"] = (Replace(s_chrome, "a=setup:actpass", "a=setup:maybe"), "actpass, active, passive"),
        ["no_rtcp_mux"] = (Remove(s_chrome, "a=rtcp-mux\r\n"), "rtcp-mux"),
        ["no_mid_on_video"] = (Replace(Remove(s_chrome, "a=mid:0\r\n"), "a=group:BUNDLE 0\r\n", string.Empty), "no a=mid"),
        ["duplicated_mid"] = (Replace(s_firefox, "a=mid:1", "a=mid:0"), "mid '0' is used by more than one"),
        ["duplicated_m_section"] = (s_chrome + s_chrome[s_chrome.IndexOf("m=video", StringComparison.Ordinal)..], "used by more than one"),
        ["too_many_m_lines"] = (s_chrome + string.Concat(Enumerable.Range(1, 16).Select(i => $"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d{i}\r\n")), "more than 16 m= lines"),
        ["bundle_names_unknown_mid"] = (Replace(s_chrome, "a=group:BUNDLE 0", "a=group:BUNDLE 0 7"), "names mid '7'"),
        ["port_not_numeric"] = (Replace(s_chrome, "m=video 9 ", "m=video abc "), "port 'abc'"),
        ["port_out_of_range"] = (Replace(s_chrome, "m=video 9 ", "m=video 70000 "), "port '70000'"),
        ["port_count"] = (Replace(s_chrome, "m=video 9 ", "m=video 9/2 "), "port count"),
        ["protocol_syntax"] = (Replace(s_chrome, "m=video 9 UDP/TLS/RTP/SAVPF", "m=video 9 UDP//RTP"), "protocol"),
        ["unencrypted_rtp_avp"] = (Replace(s_chrome, "m=video 9 UDP/TLS/RTP/SAVPF", "m=video 9 RTP/AVP"), "DTLS-SRTP"),
        ["m_line_too_few_fields"] = (Replace(s_chrome, "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 9\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97"), "m= needs"),
        ["payload_type_not_numeric"] = (Replace(s_chrome, "SAVPF 96 97", "SAVPF 96 abc 97"), "payload type 'abc'"),
        ["payload_type_above_127"] = (Replace(s_chrome, "SAVPF 96 97", "SAVPF 96 200 97"), "payload type '200'"),
        ["payload_type_listed_twice"] = (Replace(s_chrome, "SAVPF 96 97", "SAVPF 96 96 97"), "listed twice"),
        ["rtpmap_payload_type_not_numeric"] = (Replace(s_chrome, "a=rtpmap:96 VP8/90000", "a=rtpmap:x96 VP8/90000"), "payload type 'x96'"),
        ["rtpmap_clock_not_numeric"] = (Replace(s_chrome, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8/fast"), "clock rate"),
        ["rtpmap_duplicated"] = (Replace(s_chrome, "a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 VP9/90000"), "second a=rtpmap"),
        ["fmtp_for_unknown_payload_type"] = (Replace(s_chrome, "a=fmtp:97 apt=96", "a=fmtp:55 apt=96"), "payload type 55, which the m= line does not list"),
        ["fmtp_duplicated"] = (Replace(s_chrome, "a=fmtp:97 apt=96", "a=fmtp:97 apt=96\r\na=fmtp:97 apt=103"), "second a=fmtp"),
        ["rtcp_fb_for_unknown_payload_type"] = (Replace(s_chrome, "a=rtcp-fb:96 nack pli", "a=rtcp-fb:66 nack pli"), "payload type 66"),
        ["extmap_id_out_of_range"] = (Replace(s_chrome, "a=extmap:1 urn", "a=extmap:300 urn"), "between 1 and 255"),
        ["extmap_id_duplicated"] = (Replace(s_chrome, "a=extmap:2 http", "a=extmap:1 http"), "mapped twice"),
        ["offer_claims_ice_lite"] = (Replace(s_chrome, "t=0 0", "t=0 0\r\na=ice-lite"), "ice-lite"),
        ["v_line_repeated"] = (Replace(s_chrome, "t=0 0", "t=0 0\r\nv=0"), "only as the first line"),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in s_cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Corpus_has_at_least_25_distinct_cases()
    {
        s_cases.Should().HaveCountGreaterThanOrEqualTo(25);
        s_cases.Values.Select(c => c.Sdp).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Hostile_offer_is_refused_with_a_clear_error(string name)
    {
        var (sdp, expected) = s_cases[name];

        var accepted = SdpOfferValidator.TryParseAndValidate(sdp, out var offer, out var error);

        accepted.Should().BeFalse();
        offer.Should().BeNull();
        error.Should().Contain(expected);
        error!.Length.Should().BeLessThan(300, "errors are one readable sentence, never an echo of the input");
        error.Should().EndWith(".");
    }

    private static string Replace(string sdp, string find, string replacement)
    {
        if (!sdp.Contains(find, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Fixture mutation did not apply: '{find}' not found.");
        }

        return sdp.Replace(find, replacement, StringComparison.Ordinal);
    }

    private static string Remove(string sdp, string find) => Replace(sdp, find, string.Empty);

    private static string RemoveLineStarting(string sdp, string prefix) =>
        string.Join("\r\n", sdp.Split("\r\n").Where(l => !l.StartsWith(prefix, StringComparison.Ordinal)));
}
