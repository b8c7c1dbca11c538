using System.Globalization;

namespace CamStudio.Media.Sdp;

/// <summary>Collects the attributes of the session section or of one m= section while the parser walks the lines.</summary>
internal sealed partial class SdpSectionBuilder
{
    private readonly int _index;
    private readonly string _kind;
    private readonly int _port;
    private readonly string _protocol;
    private readonly string[] _formats;
    private readonly HashSet<int> _payloadTypes = [];
    private readonly Dictionary<int, (string Name, int ClockRate, int? Channels)> _rtpMaps = [];
    private readonly Dictionary<int, string> _fmtps = [];
    private readonly Dictionary<int, List<string>> _feedback = [];
    private readonly List<string> _wildcardFeedback = [];
    private readonly List<SdpExtMap> _extensions = [];
    private readonly List<SdpFingerprint> _fingerprints = [];
    private readonly List<IReadOnlyList<string>> _bundleGroups = [];
    private string? _mid;
    private SdpDirection? _direction;
    private string? _iceUfrag;
    private string? _icePassword;
    private string? _setup;
    private bool _rtcpMux;
    private bool _rtcpReducedSize;
    private bool _bundleOnly;
    private bool _iceLite;

    public SdpSectionBuilder(int index, string kind, int port, string protocol, string[] formats)
    {
        _index = index;
        _kind = kind;
        _port = port;
        _protocol = protocol;
        _formats = formats;
        foreach (var format in formats)
        {
            if (SdpParser.TryParseNumber(format, 0, 127, out var pt))
            {
                _payloadTypes.Add(pt);
            }
        }
    }

    private bool IsSession => _index < 0;

    private bool IsRtp => _protocol.Contains("RTP", StringComparison.Ordinal);

    public bool TryAddAttribute(ReadOnlySpan<char> attribute, out string error)
    {
        error = string.Empty;
        var colon = attribute.IndexOf(':');
        var name = (colon < 0 ? attribute : attribute[..colon]).ToString();
        var value = colon < 0 ? ReadOnlySpan<char>.Empty : attribute[(colon + 1)..];
        if (!SdpParser.IsToken(name))
        {
            error = "the attribute name is not a token";
            return false;
        }

        switch (name)
        {
            case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                if (_direction is not null)
                {
                    error = "a second direction attribute in the same section";
                    return false;
                }

                _direction = name switch
                {
                    "sendonly" => SdpDirection.SendOnly,
                    "recvonly" => SdpDirection.RecvOnly,
                    "inactive" => SdpDirection.Inactive,
                    _ => SdpDirection.SendRecv,
                };
                return true;
            case "ice-ufrag":
                return TrySetOnce(ref _iceUfrag, value, "a=ice-ufrag", out error);
            case "ice-pwd":
                return TrySetOnce(ref _icePassword, value, "a=ice-pwd", out error);
            case "setup":
                if (value is not ("actpass" or "active" or "passive" or "holdconn"))
                {
                    error = "a=setup must be actpass, active, passive or holdconn (RFC 8842 §5.1)";
                    return false;
                }

                return TrySetOnce(ref _setup, value, "a=setup", out error);
            case "fingerprint":
                return TryAddFingerprint(value, out error);
            case "ice-lite":
                _iceLite = true;
                return true;
            case "group":
                return TryAddGroup(value, out error);
            case "extmap":
                return TryAddExtMap(value, out error);
        }

        if (IsSession)
        {
            return true; // Other session attributes (msid-semantic, extmap-allow-mixed, ice-options) change nothing here.
        }

        switch (name)
        {
            case "mid":
                if (!SdpParser.IsToken(value))
                {
                    error = "a=mid needs a token identifier (RFC 5888 §4)";
                    return false;
                }

                return TrySetOnce(ref _mid, value, "a=mid", out error);
            case "rtcp-mux":
                _rtcpMux = true;
                return true;
            case "rtcp-rsize":
                _rtcpReducedSize = true;
                return true;
            case "bundle-only":
                _bundleOnly = true;
                return true;
            case "rtpmap" when IsRtp:
                return TryAddRtpMap(value, out error);
            case "fmtp" when IsRtp:
                return TryAddFmtp(value, out error);
            case "rtcp-fb" when IsRtp:
                return TryAddFeedback(value, out error);
            default:
                return true; // candidate, ssrc, msid, rtcp, sctp-port, ...: not needed to answer a recvonly offer.
        }
    }

    private static bool TrySetOnce(ref string? field, ReadOnlySpan<char> value, string what, out string error)
    {
        error = string.Empty;
        if (value.IsEmpty || value.IndexOfAny(' ', '\t') >= 0)
        {
            error = what + " needs a single non-empty value";
            return false;
        }

        if (field is not null)
        {
            error = what + " appears twice in the same section";
            return false;
        }

        field = value.ToString();
        return true;
    }

    // a=fingerprint:<hash-func> <hex>:<hex>:...   (RFC 8122 §5)
    private bool TryAddFingerprint(ReadOnlySpan<char> value, out string error)
    {
        error = string.Empty;
        var space = value.IndexOf(' ');
        if (space <= 0)
        {
            error = "a=fingerprint needs a hash function and a value";
            return false;
        }

        var algorithm = value[..space].ToString().ToLowerInvariant();
        var hex = value[(space + 1)..].Trim();
        if (!SdpParser.IsToken(algorithm) || hex.Length < 2 || (hex.Length + 1) % 3 != 0)
        {
            error = "a=fingerprint value must be hex byte pairs separated by colons (RFC 8122 §5)";
            return false;
        }

        for (var i = 0; i < hex.Length; i++)
        {
            var ok = i % 3 == 2 ? hex[i] == ':' : char.IsAsciiHexDigit(hex[i]);
            if (!ok)
            {
                error = "a=fingerprint value must be hex byte pairs separated by colons (RFC 8122 §5)";
                return false;
            }
        }

        _fingerprints.Add(new SdpFingerprint(algorithm, hex.ToString().ToUpperInvariant()));
        return true;
    }

    private bool TryAddGroup(ReadOnlySpan<char> value, out string error)
    {
        error = string.Empty;
        if (!IsSession)
        {
            error = "a=group belongs in the session section (RFC 5888)";
            return false;
        }

        var fields = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
        {
            error = "a=group needs a semantics token";
            return false;
        }

        if (string.Equals(fields[0], "BUNDLE", StringComparison.Ordinal))
        {
            _bundleGroups.Add(fields[1..]);
        }

        return true;
    }

    // a=extmap:<id>[/<direction>] <uri> [<extension attributes>]   (RFC 8285 §7)
    private bool TryAddExtMap(ReadOnlySpan<char> value, out string error)
    {
        error = string.Empty;
        var fields = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            error = "a=extmap needs an id and a URI";
            return false;
        }

        var idText = fields[0];
        SdpDirection? direction = null;
        var slash = idText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            direction = idText[(slash + 1)..] switch
            {
                "sendrecv" => SdpDirection.SendRecv,
                "sendonly" => SdpDirection.SendOnly,
                "recvonly" => SdpDirection.RecvOnly,
                "inactive" => SdpDirection.Inactive,
                _ => null,
            };
            if (direction is null)
            {
                error = "the a=extmap direction must be sendrecv, sendonly, recvonly or inactive";
                return false;
            }

            idText = idText[..slash];
        }

        if (!SdpParser.TryParseNumber(idText, 1, 255, out var id))
        {
            error = "the a=extmap id must be a number between 1 and 255 (RFC 8285 §5)";
            return false;
        }

        foreach (var existing in _extensions)
        {
            if (existing.Id == id || string.Equals(existing.Uri, fields[1], StringComparison.Ordinal))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"a=extmap id {id} or its URI is mapped twice");
                return false;
            }
        }

        _extensions.Add(new SdpExtMap(id, fields[1], direction));
        return true;
    }

    // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]   (RFC 8866 §6.6)
    private bool TryAddRtpMap(ReadOnlySpan<char> value, out string error)
    {
        if (!TryReadPayloadType(ref value, "a=rtpmap", out var pt, out error))
        {
            return false;
        }

        var parts = value.ToString().Split('/');
        int channels = 0;
        if (parts.Length is < 2 or > 3 || !SdpParser.IsToken(parts[0])
            || !SdpParser.TryParseNumber(parts[1], 1, 10_000_000, out var clockRate)
            || (parts.Length == 3 && !SdpParser.TryParseNumber(parts[2], 1, 255, out channels)))
        {
            error = "a=rtpmap needs <encoding>/<clock rate>[/<channels>] with a numeric clock rate";
            return false;
        }

        if (!_rtpMaps.TryAdd(pt, (parts[0], clockRate, parts.Length == 3 ? channels : null)))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"payload type {pt} has a second a=rtpmap");
            return false;
        }

        return true;
    }

    private bool TryAddFmtp(ReadOnlySpan<char> value, out string error)
    {
        if (!TryReadPayloadType(ref value, "a=fmtp", out var pt, out error))
        {
            return false;
        }

        if (!_fmtps.TryAdd(pt, value.ToString()))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"payload type {pt} has a second a=fmtp");
            return false;
        }

        return true;
    }

    // a=rtcp-fb:<payload type or *> <type> [<subtype>]   (RFC 4585 §4.2)
    private bool TryAddFeedback(ReadOnlySpan<char> value, out string error)
    {
        error = string.Empty;
        if (value.StartsWith("* "))
        {
            var wildcard = value[2..].Trim();
            if (wildcard.IsEmpty)
            {
                error = "a=rtcp-fb needs a feedback type";
                return false;
            }

            if (_wildcardFeedback.Count < 16)
            {
                _wildcardFeedback.Add(wildcard.ToString());
            }

            return true;
        }

        if (!TryReadPayloadType(ref value, "a=rtcp-fb", out var pt, out error))
        {
            return false;
        }

        if (!_feedback.TryGetValue(pt, out var list))
        {
            _feedback[pt] = list = [];
        }

        list.Add(string.Join(' ', value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return true;
    }

    private bool TryReadPayloadType(ref ReadOnlySpan<char> value, string what, out int pt, out string error)
    {
        error = string.Empty;
        pt = 0;
        var space = value.IndexOf(' ');
        if (space <= 0 || value[(space + 1)..].Trim().IsEmpty)
        {
            error = what + " needs a payload type followed by a value";
            return false;
        }

        var ptText = value[..space];
        if (!SdpParser.TryParseNumber(ptText, 0, 127, out pt))
        {
            error = $"{what} payload type '{SdpParser.Shorten(ptText)}' is not a number between 0 and 127";
            return false;
        }

        if (!_payloadTypes.Contains(pt))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{what} refers to payload type {pt}, which the m= line does not list");
            return false;
        }

        value = value[(space + 1)..].Trim();
        return true;
    }
}
