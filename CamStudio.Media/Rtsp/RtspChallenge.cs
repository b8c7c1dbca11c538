using System.Text;

namespace CamStudio.Media.Rtsp;

/// <summary>
/// Reads WWW-Authenticate values: <c>scheme param=token, param="quoted \"string\""</c> (RFC 9110 §11.6.1, §5.6.4).
/// </summary>
public static class RtspChallenge
{
    public enum ParameterStatus : byte
    {
        Read,
        End,
        Malformed,
    }

    /// <summary>True when <paramref name="value"/> names <paramref name="scheme"/> (any case), alone or before its parameters.</summary>
    public static bool IsScheme(ReadOnlySpan<byte> value, ReadOnlySpan<byte> scheme) =>
        value.Length >= scheme.Length
        && Ascii.EqualsIgnoreCase(value[..scheme.Length], scheme)
        && (value.Length == scheme.Length || value[scheme.Length] is (byte)' ' or (byte)'\t');

    /// <summary>Reads the next <c>name=value</c> from <paramref name="rest"/> and advances past it. Never throws.</summary>
    public static ParameterStatus ReadParameter(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> name, out string value)
    {
        name = default;
        value = "";
        int i = 0;
        while (i < rest.Length && rest[i] is (byte)' ' or (byte)'\t' or (byte)',')
        {
            i++;
        }

        if (i == rest.Length)
        {
            rest = default;
            return ParameterStatus.End;
        }

        int equals = rest[i..].IndexOf((byte)'=');
        if (equals <= 0)
        {
            return ParameterStatus.Malformed;
        }

        name = rest.Slice(i, equals).TrimEnd((byte)' ');
        i += equals + 1;
        while (i < rest.Length && rest[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        if (i < rest.Length && rest[i] == (byte)'"')
        {
            var text = new StringBuilder();
            int start = ++i;
            while (i < rest.Length && rest[i] != (byte)'"')
            {
                if (rest[i] == (byte)'\\')
                {
                    text.Append(Encoding.UTF8.GetString(rest[start..i]));
                    if (++i == rest.Length)
                    {
                        return ParameterStatus.Malformed;
                    }

                    start = i;
                }

                i++;
            }

            if (i == rest.Length)
            {
                return ParameterStatus.Malformed; // unterminated quoted-string
            }

            value = text.Append(Encoding.UTF8.GetString(rest[start..i])).ToString();
            rest = rest[(i + 1)..];
            return ParameterStatus.Read;
        }

        int end = i;
        while (end < rest.Length && rest[end] is not ((byte)',' or (byte)' ' or (byte)'\t'))
        {
            end++;
        }

        value = Encoding.UTF8.GetString(rest[i..end]);
        rest = rest[end..];
        return ParameterStatus.Read;
    }
}
