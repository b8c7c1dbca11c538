using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Where FFmpeg pulls a camera from. Plain values on purpose: the media layer does not know the camera entity.
/// Every field is checked again by <see cref="Validate"/> before it reaches an FFmpeg argument list, because a
/// camera field that could start with '-' or smuggle a scheme would turn into an FFmpeg option or a file read.
/// </summary>
public sealed record RtspSource(string Host, int Port, string Path, string? Username, string? Password)
{
    /// <summary>The RTSP URL with percent-encoded credentials. Contains the password: never log it, pass it through
    /// <see cref="FfmpegArguments.Redact"/> first.</summary>
    public string ToUrl()
    {
        Validate();
        var builder = new StringBuilder("rtsp://");
        if (!string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password))
        {
            builder.Append(Uri.EscapeDataString(Username ?? string.Empty));
            if (!string.IsNullOrEmpty(Password))
            {
                builder.Append(':').Append(Uri.EscapeDataString(Password));
            }

            builder.Append('@');
        }

        builder.Append(HostForUrl()).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
        builder.Append('/').Append(Path.TrimStart('/'));
        return builder.ToString();
    }

    /// <summary>Throws <see cref="ArgumentException"/> (without echoing the password) when a field is unsafe.</summary>
    public void Validate()
    {
        ValidateHost(Host);
        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException("The RTSP port must be between 1 and 65535.", nameof(Port));
        }

        ValidatePath(Path);
        // Credentials are percent-encoded, so any printable character is safe inside the URL; control characters
        // are still refused because they would end up in log lines and RTSP headers.
        if (Username is not null && Username.Any(char.IsControl))
        {
            throw new ArgumentException("The username contains control characters.", nameof(Username));
        }

        if (Password is not null && Password.Any(char.IsControl))
        {
            throw new ArgumentException("The password contains control characters.", nameof(Password));
        }
    }

    /// <summary>Never prints the password (a record's generated ToString would).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rtsp://{(Username is null && Password is null ? "" : "***@")}{Host}:{Port}/{Path.TrimStart('/')}");

    private string HostForUrl()
    {
        string host = Host.Trim('[', ']');
        return IPAddress.TryParse(host, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? "[" + address.ToString() + "]"
            : host;
    }

    private static void ValidateHost(string host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 253)
        {
            throw new ArgumentException("The camera host is empty or too long.", nameof(Host));
        }

        string bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out IPAddress? address))
        {
            // Checked on the text too: a zone naming an interface this machine lacks parses with ScopeId 0.
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && (address.ScopeId != 0 || bare.Contains('%', StringComparison.Ordinal)))
            {
                throw new ArgumentException("IPv6 zone ids are not supported in the camera host.", nameof(Host));
            }

            // IPAddress.TryParse accepts odd forms such as "1" or "0x7f.1"; only the canonical spellings pass.
            if (address.AddressFamily == AddressFamily.InterNetwork
                && !string.Equals(address.ToString(), bare, StringComparison.Ordinal))
            {
                throw new ArgumentException("The camera host is not a valid IPv4 address.", nameof(Host));
            }

            return;
        }

        if (bare.Length != host.Length)
        {
            throw new ArgumentException("Only an IPv6 address may be written in brackets.", nameof(Host));
        }

        // A DNS name: letters, digits, '-' and '.', labels not starting or ending with '-'. This alone rules out
        // whitespace, control characters, '@', '/', '?', '#', ':' and a leading '-' (an FFmpeg option).
        foreach (string label in host.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException("The camera host must be an IP address or a DNS name.", nameof(Host));
            }
        }
    }

    private static void ValidatePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > 1024)
        {
            throw new ArgumentException("The stream path is too long.", nameof(Path));
        }

        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            // RFC 3986 pchar plus '/' and '?' (cameras put channel selectors in queries, e.g. "?channel=1").
            // Everything else — spaces, control characters, '#', '\', quotes, non-ASCII — is refused rather than
            // guessed at; a '%' must start a valid escape.
            bool allowed = char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".Contains(c, StringComparison.Ordinal);
            if (c == '%')
            {
                allowed = i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]);
            }

            if (!allowed)
            {
                throw new ArgumentException("The stream path contains a character that is not allowed in an RTSP URL.", nameof(Path));
            }
        }

        foreach (string segment in path.Split('/', '?'))
        {
            if (segment == "..")
            {
                throw new ArgumentException("The stream path must not contain '..'.", nameof(Path));
            }
        }
    }
}
