using System.Globalization;

namespace CamStudio.Media.Sdp;

/// <summary>
/// Line-oriented SDP reader (RFC 8866 §5). One pass over the text, no regular expressions, every lookup a
/// dictionary or set: time is linear in the input, and the size limits bound it before parsing starts.
/// </summary>
internal static class SdpParser
{
    // RFC 8866 §5 type letters; anything else is a reason to reject the whole description (§5, "MUST ... ignore or reject").
    private const string KnownTypes = "vosiuepcbtrzkam";

    public static bool TryParse(string? sdp, out SdpOffer? offer, out string? error)
    {
        offer = null;
        error = CheckText(sdp);
        if (error is not null)
        {
            return false;
        }

        var session = new SdpSectionBuilder(-1, "session", 0, string.Empty, []);
        var media = new List<SdpSectionBuilder>();
        var current = session;
        string? sessionName = null;
        var sawOrigin = false;
        var lineNumber = 0;
        var position = 0;
        var text = sdp!;

        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            var next = end < 0 ? text.Length : end + 1;
            var line = text.AsSpan(position, (end < 0 ? text.Length : end) - position);
            position = next;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            lineNumber++;
            if (lineNumber > SdpOffer.MaxLines)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"The offer has more than {SdpOffer.MaxLines} lines; that is not a browser offer.");
                return false;
            }

            if (line.Length > SdpOffer.MaxLineLength)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"Line {lineNumber} is {line.Length} characters long; the limit is {SdpOffer.MaxLineLength}.");
                return false;
            }

            if (line.IsEmpty)
            {
                continue; // Tolerate blank lines (hand-edited offers, a trailing newline).
            }

            if (line.IndexOf('\r') >= 0)
            {
                return Fail(out error, lineNumber, line, "it contains a carriage return that does not end the line");
            }

            if (line.Length < 2 || line[1] != '=' || KnownTypes.AsSpan().IndexOf(line[0]) < 0)
            {
                if (lineNumber == 1)
                {
                    error = "This is not SDP: the first line must be \"v=0\".";
                    return false;
                }

                return Fail(out error, lineNumber, line, "an SDP line must be <letter>=<value> with a type letter from RFC 8866 §5");
            }

            var type = line[0];
            var value = line[2..];
            if (lineNumber == 1)
            {
                if (type != 'v' || !value.SequenceEqual("0"))
                {
                    error = "This is not SDP: the first line must be \"v=0\".";
                    return false;
                }

                continue;
            }

            switch (type)
            {
                case 'v':
                    return Fail(out error, lineNumber, line, "v= may appear only as the first line");
                case 'o':
                    if (media.Count > 0 || sawOrigin)
                    {
                        return Fail(out error, lineNumber, line, "o= must appear once, in the session section");
                    }

                    if (CountFields(value) != 6)
                    {
                        return Fail(out error, lineNumber, line, "o= needs six fields: username sess-id sess-version nettype addrtype address");
                    }

                    sawOrigin = true;
                    break;
                case 's':
                    if (media.Count > 0 || sessionName is not null)
                    {
                        return Fail(out error, lineNumber, line, "s= must appear once, in the session section");
                    }

                    sessionName = value.ToString();
                    break;
                case 'm':
                    if (!sawOrigin)
                    {
                        error = "The offer has no o= line before its first m= line (RFC 8866 §5.2).";
                        return false;
                    }

                    if (sessionName is null)
                    {
                        error = "The offer has no s= line before its first m= line (RFC 8866 §5.3).";
                        return false;
                    }

                    if (media.Count == SdpOffer.MaxMediaSections)
                    {
                        error = string.Create(CultureInfo.InvariantCulture, $"The offer has more than {SdpOffer.MaxMediaSections} m= lines.");
                        return false;
                    }

                    if (!TryParseMediaLine(value, media.Count, out current, out var reason))
                    {
                        return Fail(out error, lineNumber, line, reason);
                    }

                    media.Add(current);
                    break;
                case 'a':
                    if (!current.TryAddAttribute(value, out var attributeError))
                    {
                        return Fail(out error, lineNumber, line, attributeError);
                    }

                    break;
                default:
                    break; // c=, t=, b=, i=, ... carry nothing an ICE-lite sender needs.
            }
        }

        if (!sawOrigin)
        {
            error = "The offer has no o= line (RFC 8866 §5.2).";
            return false;
        }

        if (sessionName is null)
        {
            error = "The offer has no s= line (RFC 8866 §5.3).";
            return false;
        }

        return SdpSectionBuilder.TryBuildOffer(session, sessionName, media, out offer, out error);
    }

    private static string? CheckText(string? sdp)
    {
        if (sdp is null || sdp.Length == 0 || sdp.AsSpan().IsWhiteSpace())
        {
            return "The offer is empty.";
        }

        if (sdp.Length > SdpOffer.MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The offer is {sdp.Length} characters long; the limit is {SdpOffer.MaxLength}.");
        }

        for (var i = 0; i < sdp.Length; i++)
        {
            var c = sdp[i];
            var control = (c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7F;
            if (control || c == '\uFFFD' || char.IsSurrogate(c) && !IsValidSurrogatePair(sdp, i))
            {
                return string.Create(CultureInfo.InvariantCulture, $"The offer contains binary data (character 0x{(int)c:X2} at offset {i}); it is not SDP text.");
            }
        }

        return null;
    }

    private static bool IsValidSurrogatePair(string text, int i) =>
        char.IsHighSurrogate(text[i])
            ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            : i > 0 && char.IsHighSurrogate(text[i - 1]);

    // m=<media> <port>[/<number of ports>] <proto> <fmt> ...   (RFC 8866 §5.14)
    private static bool TryParseMediaLine(ReadOnlySpan<char> value, int index, out SdpSectionBuilder section, out string reason)
    {
        section = null!;
        var fields = value.ToString().Split(' ');
        if (fields.Length < 4 || Array.Exists(fields, f => f.Length == 0))
        {
            reason = "m= needs <media> <port> <proto> <fmt>... separated by single spaces";
            return false;
        }

        if (!IsToken(fields[0]))
        {
            reason = "the media type is not a token";
            return false;
        }

        var portText = fields[1];
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!TryParseNumber(portText.AsSpan(slash + 1), 1, 65535, out var count) || count != 1)
            {
                reason = "a port count other than 1 is not supported in WebRTC";
                return false;
            }

            portText = portText[..slash];
        }

        if (!TryParseNumber(portText, 0, 65535, out var port))
        {
            reason = $"the port '{Shorten(fields[1])}' is not a number between 0 and 65535";
            return false;
        }

        var protocol = fields[2];
        foreach (var part in protocol.Split('/'))
        {
            if (!IsToken(part))
            {
                reason = $"the protocol '{Shorten(protocol)}' is not a list of tokens separated by '/'";
                return false;
            }
        }

        var formats = fields[3..];
        var isRtp = protocol.Contains("RTP", StringComparison.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var format in formats)
        {
            if (isRtp && !TryParseNumber(format, 0, 127, out _))
            {
                reason = $"the payload type '{Shorten(format)}' is not a number between 0 and 127";
                return false;
            }

            if (!isRtp && !IsToken(format))
            {
                reason = $"the format '{Shorten(format)}' is not a token";
                return false;
            }

            if (!seen.Add(format))
            {
                reason = $"format {format} is listed twice";
                return false;
            }
        }

        section = new SdpSectionBuilder(index, fields[0], port, protocol, formats);
        reason = string.Empty;
        return true;
    }

    private static int CountFields(ReadOnlySpan<char> value)
    {
        var count = 0;
        foreach (var range in value.Split(' '))
        {
            if (value[range].IsEmpty)
            {
                return -1;
            }

            count++;
        }

        return count;
    }

    internal static bool TryParseNumber(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 10)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    // RFC 8866 §9 token-char: visible ASCII except " ( ) , / : ; < = > ? @ [ \ ].
    internal static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is <= ' ' or > '~' or '"' or '(' or ')' or ',' or '/' or (>= ':' and <= '@') or '[' or '\\' or ']')
            {
                return false;
            }
        }

        return true;
    }

    internal static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= 60 ? text.ToString() : string.Concat(text[..60], "...");

    private static bool Fail(out string error, int lineNumber, ReadOnlySpan<char> line, string reason)
    {
        error = string.Create(CultureInfo.InvariantCulture, $"Line {lineNumber} ({Shorten(line)}): {reason}.");
        return false;
    }
}
