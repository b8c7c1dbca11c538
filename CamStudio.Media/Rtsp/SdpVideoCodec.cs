using System.Buffers.Text;
using System.Text;

namespace CamStudio.Media.Rtsp;

/// <summary>
/// Names the video codec of a camera's DESCRIBE answer: the encoding name of the first format of the first
/// <c>m=video</c> section (RFC 8866 §5.14, rtpmap §6.6), e.g. "H264" or "H265". A health check needs nothing more of the SDP.
/// </summary>
public static class SdpVideoCodec
{
    /// <summary>
    /// The codec name in upper case; false when there is no video section or its first format cannot be named.
    /// Never throws on any input.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> sdp, out string? codec)
    {
        codec = null;
        int payloadType = -1;
        bool inVideo = false;
        foreach (Range range in sdp.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = sdp[range].TrimEnd((byte)'\r');
            if (line.StartsWith("m="u8))
            {
                if (inVideo)
                {
                    break; // the video section ended without naming its format
                }

                if (line.StartsWith("m=video "u8) && TryFirstFormat(line, out payloadType))
                {
                    inVideo = true;
                }

                continue;
            }

            if (inVideo && line.StartsWith("a=rtpmap:"u8) && TryRtpMap(line["a=rtpmap:".Length..], payloadType, out codec))
            {
                return true;
            }
        }

        if (!inVideo)
        {
            return false;
        }

        // Static payload types need no rtpmap (RFC 3551 §6).
        codec = payloadType switch
        {
            26 => "JPEG",
            31 => "H261",
            32 => "MPV",
            34 => "H263",
            _ => null,
        };
        return codec is not null;
    }

    // "m=video 0 RTP/AVP 96 97": the fourth field is the first format.
    private static bool TryFirstFormat(ReadOnlySpan<byte> line, out int payloadType)
    {
        payloadType = -1;
        int field = 0;
        foreach (Range part in line.Split((byte)' '))
        {
            if (field++ == 3)
            {
                ReadOnlySpan<byte> format = line[part];
                return Utf8Parser.TryParse(format, out payloadType, out int used) && used == format.Length && payloadType is >= 0 and <= 127;
            }
        }

        return false;
    }

    // "96 H264/90000"
    private static bool TryRtpMap(ReadOnlySpan<byte> value, int payloadType, out string? codec)
    {
        codec = null;
        int space = value.IndexOf((byte)' ');
        if (space <= 0 || !Utf8Parser.TryParse(value[..space], out int type, out int used) || used != space || type != payloadType)
        {
            return false;
        }

        ReadOnlySpan<byte> encoding = value[(space + 1)..];
        int slash = encoding.IndexOf((byte)'/');
        ReadOnlySpan<byte> name = (slash < 0 ? encoding : encoding[..slash]).Trim((byte)' ');
        if (name.IsEmpty || name.Length > 32 || !Ascii.IsValid(name))
        {
            return false;
        }

        codec = Encoding.ASCII.GetString(name).ToUpperInvariant();
        return true;
    }
}
