namespace CamStudio.Media.Sdp;

internal sealed partial class SdpSectionBuilder
{
    // RFC 3551 §6 static payload types a browser might list without an a=rtpmap.
    private static readonly Dictionary<int, (string Name, int ClockRate, int? Channels)> s_staticPayloadTypes = new()
    {
        [0] = ("PCMU", 8000, 1),
        [3] = ("GSM", 8000, 1),
        [8] = ("PCMA", 8000, 1),
        [9] = ("G722", 8000, 1),
        [13] = ("CN", 8000, 1),
        [18] = ("G729", 8000, 1),
        [26] = ("JPEG", 90000, null),
        [34] = ("H263", 90000, null),
    };

    public static bool TryBuildOffer(
        SdpSectionBuilder session,
        string sessionName,
        List<SdpSectionBuilder> sections,
        out SdpOffer? offer,
        out string? error)
    {
        offer = null;
        error = null;
        var mids = new HashSet<string>(StringComparer.Ordinal);
        var media = new List<SdpMediaDescription>(sections.Count);
        foreach (var section in sections)
        {
            if (section._mid is not null && !mids.Add(section._mid))
            {
                error = $"The mid '{section._mid}' is used by more than one m= line; each section needs its own (RFC 5888 §4).";
                return false;
            }

            media.Add(section.Build(session));
        }

        foreach (var group in session._bundleGroups)
        {
            foreach (var mid in group)
            {
                if (!mids.Contains(mid))
                {
                    error = $"a=group:BUNDLE names mid '{SdpParser.Shorten(mid)}', but no m= line has that mid (RFC 8843 §7.2).";
                    return false;
                }
            }
        }

        offer = new SdpOffer(sessionName, media, session._bundleGroups, session._iceLite);
        return true;
    }

    private SdpMediaDescription Build(SdpSectionBuilder session)
    {
        // Session-level extmaps apply to every section that does not map the same id itself (RFC 8285 §7).
        var extensions = new List<SdpExtMap>(_extensions);
        foreach (var shared in session._extensions)
        {
            if (!extensions.Exists(e => e.Id == shared.Id || string.Equals(e.Uri, shared.Uri, StringComparison.Ordinal)))
            {
                extensions.Add(shared);
            }
        }

        return new SdpMediaDescription(_index, _kind, _port, _protocol, _formats, IsRtp ? BuildCodecs() : [], extensions)
        {
            Mid = _mid,
            Direction = _direction ?? session._direction ?? SdpDirection.SendRecv,
            RtcpMux = _rtcpMux,
            RtcpReducedSize = _rtcpReducedSize,
            BundleOnly = _bundleOnly,
            IceUfrag = _iceUfrag ?? session._iceUfrag,
            IcePassword = _icePassword ?? session._icePassword,
            Fingerprints = _fingerprints.Count > 0 ? _fingerprints.ToArray() : session._fingerprints.ToArray(),
            Setup = _setup ?? session._setup,
        };
    }

    private List<SdpCodec> BuildCodecs()
    {
        // rtx entries name the codec they repair with apt= (RFC 4588 §8.6); index them first so each codec learns its rtx.
        var rtxFor = new Dictionary<int, byte>();
        foreach (var (pt, map) in _rtpMaps)
        {
            if (string.Equals(map.Name, "rtx", StringComparison.OrdinalIgnoreCase)
                && _fmtps.TryGetValue(pt, out var fmtp)
                && ParseParameters(fmtp).TryGetValue("apt", out var apt)
                && SdpParser.TryParseNumber(apt, 0, 127, out var repaired))
            {
                rtxFor.TryAdd(repaired, (byte)pt);
            }
        }

        var codecs = new List<SdpCodec>(_formats.Length);
        var seen = new HashSet<int>();
        foreach (var format in _formats)
        {
            if (!SdpParser.TryParseNumber(format, 0, 127, out var pt) || !seen.Add(pt))
            {
                continue;
            }

            if (!_rtpMaps.TryGetValue(pt, out var map) && !s_staticPayloadTypes.TryGetValue(pt, out map))
            {
                continue; // A dynamic type without rtpmap names no codec; nothing can be answered for it.
            }

            _fmtps.TryGetValue(pt, out var raw);
            var feedback = new List<string>(_wildcardFeedback);
            if (_feedback.TryGetValue(pt, out var specific))
            {
                feedback.AddRange(specific);
            }

            codecs.Add(new SdpCodec(
                (byte)pt,
                map.Name,
                map.ClockRate,
                raw is null ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) : ParseParameters(raw),
                feedback.Distinct(StringComparer.Ordinal).ToArray(),
                rtxFor.TryGetValue(pt, out var rtx) ? rtx : null)
            {
                Channels = map.Channels,
                FormatParameters = raw,
            });
        }

        return codecs;
    }

    // "key=value;key=value" (RFC 8866 §6.15 leaves the format to the codec; RFC 6184 §8.1 uses this one). A value-less
    // item (RED's "111/111") is kept as a key with an empty value. The first occurrence of a key wins.
    internal static Dictionary<string, string> ParseParameters(string fmtp)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in fmtp.Split(';'))
        {
            var trimmed = item.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? trimmed : trimmed[..equals].Trim();
            var value = equals < 0 ? string.Empty : trimmed[(equals + 1)..].Trim();
            if (key.Length > 0)
            {
                parameters.TryAdd(key, value);
            }
        }

        return parameters;
    }
}
