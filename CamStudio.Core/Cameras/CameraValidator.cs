using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CamStudio.Core.Cluster;

namespace CamStudio.Core.Cameras;

/// <summary>
/// The one set of camera rules, used by the REST API and the Blazor forms alike. Errors are keyed by the snake_case
/// field names in <see cref="CameraFields"/>. Messages never echo the submitted value, so a password typed into the
/// wrong field cannot leak through an error.
/// </summary>
public static class CameraValidator
{
    public const int MaxNameLength = 100;
    public const int MaxHostLength = 253;
    public const int MaxHostLabelLength = 63;
    public const int MaxPathLength = 256;
    public const int MaxUsernameLength = 128;
    public const int MaxPasswordLength = 128;
    public const int MaxDescriptionLength = 1000;
    public const int MaxGroups = 100;

    // RFC 3986 pchar and '/', '?' minus '@' (some RTSP clients split user info at any '@') and '#' (never sent).
    private const string PathPunctuation = "-._~!$&'()*+,;=:/?%";

    /// <summary>Validates a complete camera (a create request, or an update merged onto the stored camera).</summary>
    /// <returns>Per-field messages; empty when the camera is valid.</returns>
    public static IReadOnlyDictionary<string, string[]> Validate(CameraCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CameraSourceKind source = request.Source ?? CameraSourceKind.Rtsp;
        Add(errors, CameraFields.Name, ValidateName(request.Name));
        Add(errors, CameraFields.Source, ValidateSource(request.Source));
        Add(errors, CameraFields.IpAddress, ValidateHost(request.IpAddress, required: source == CameraSourceKind.Rtsp));
        Add(errors, CameraFields.RtspPort, ValidatePort(request.RtspPort));
        Add(errors, CameraFields.Brand, ValidateBrand(request.Brand));
        Add(errors, CameraFields.HdPath, ValidatePath(request.HdPath));
        Add(errors, CameraFields.SdPath, ValidatePath(request.SdPath));
        Add(errors, CameraFields.Username, ValidateCredential(request.Username, MaxUsernameLength, "Username"));
        Add(errors, CameraFields.Password, ValidateCredential(request.Password, MaxPasswordLength, "Password"));
        Add(errors, CameraFields.StreamQuality, ValidateQuality(request.StreamQuality));
        Add(errors, CameraFields.Description, ValidateDescription(request.Description));
        Add(errors, CameraFields.PinnedNode, ValidatePinnedNode(request.PinnedNode));
        Add(errors, CameraFields.Groups, ValidateGroupIds(request.Groups));
        return errors;
    }

    public static string? ValidateName(string? name)
    {
        string trimmed = NormalizeName(name);
        if (trimmed.Length == 0)
        {
            return "Name is required.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"Name must be at most {MaxNameLength} characters.";
        }

        return ContainsControl(trimmed, allowLineBreaks: false) ? "Name must not contain control characters or line breaks." : null;
    }

    public static string? ValidateSource(CameraSourceKind? source) =>
        source is null || Enum.IsDefined(source.Value) ? null : "Source must be \"rtsp\" or \"demo\".";

    /// <summary>Accepts a strict dotted-quad IPv4 address, an IPv6 address without brackets, or an RFC 1123 host name.</summary>
    public static string? ValidateHost(string? value, bool required)
    {
        string host = NormalizeHost(value);
        if (host.Length == 0)
        {
            return required ? "IP address or host name is required." : null;
        }

        if (host.Length > MaxHostLength)
        {
            return $"IP address or host name must be at most {MaxHostLength} characters.";
        }

        if (host.Any(char.IsWhiteSpace) || ContainsControl(host, allowLineBreaks: false))
        {
            return "IP address or host name must not contain spaces or control characters.";
        }

        if (host.Contains("://", StringComparison.Ordinal))
        {
            return "Enter only the address, without a scheme such as rtsp://.";
        }

        if (host.Contains('/', StringComparison.Ordinal))
        {
            return "Enter only the address; put the stream path in hd_path/sd_path.";
        }

        if (host.Contains('@', StringComparison.Ordinal))
        {
            return "Enter only the address; put credentials in username/password.";
        }

        if (host.StartsWith('[') || host.EndsWith(']'))
        {
            return "Enter an IPv6 address without brackets.";
        }

        if (host.Contains(':', StringComparison.Ordinal))
        {
            return IsIpv6(host) ? null : "Not a valid IPv6 address (put a port in rtsp_port, not in the address).";
        }

        if (host.StartsWith('-'))
        {
            return "IP address or host name must not start with '-'.";
        }

        string[] labels = host.Split('.');
        if (labels[^1].Length > 0 && labels[^1].All(char.IsAsciiDigit))
        {
            // A name whose last label is numeric can only be an IPv4 literal; resolvers would read "10.1" as 10.0.0.1.
            return IsStrictIpv4(labels) ? null : "Not a valid IPv4 address (four numbers 0-255 without leading zeros).";
        }

        foreach (string label in labels)
        {
            if (label.Length is 0 or > MaxHostLabelLength)
            {
                return $"Each part of a host name must be 1-{MaxHostLabelLength} characters.";
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || label.StartsWith('-') || label.EndsWith('-'))
            {
                return "A host name may contain only letters, digits, '-' and '.', and no part may start or end with '-'.";
            }
        }

        return null;
    }

    public static string? ValidatePort(int? port) =>
        port is null or (>= 1 and <= 65535) ? null : "RTSP port must be between 1 and 65535.";

    public static string? ValidateBrand(string? brand) =>
        brand is null || CameraBrandPresets.TryGet(brand.Trim(), out _)
            ? null
            : "Unknown brand; use a key from GET /api/cameras/presets.";

    /// <summary>Validates an RTSP path (null means "use the default"; a leading '/' is accepted and dropped).</summary>
    public static string? ValidatePath(string? value)
    {
        if (value is null)
        {
            return null;
        }

        string path = NormalizePath(value);
        if (path.Length == 0)
        {
            return "Stream path must not be empty.";
        }

        if (path.Length > MaxPathLength)
        {
            return $"Stream path must be at most {MaxPathLength} characters.";
        }

        if (path.StartsWith('-'))
        {
            return "Stream path must not start with '-'.";
        }

        if (path.Contains("..", StringComparison.Ordinal))
        {
            return "Stream path must not contain '..'.";
        }

        if (StartsWithUrlScheme(path))
        {
            // Harmless inside rtsp://host/… (and FFmpeg's protocol whitelist), but never a camera path: refuse it.
            return "Stream path must be a path on the camera, not a URL such as file:… or rtsp://….";
        }

        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (!char.IsAsciiLetterOrDigit(c) && !PathPunctuation.Contains(c, StringComparison.Ordinal))
            {
                return "Stream path may contain only letters, digits and the URL characters -._~!$&'()*+,;=:/?% (no spaces).";
            }

            if (c == '%' && (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2])))
            {
                return "A '%' in a stream path must start a percent-encoded byte such as %20.";
            }
        }

        return null;
    }

    /// <summary>"file:/etc/passwd", "/rtsp://x": a leading RFC 3986 scheme (letter, then letters, digits, + - .) and a colon.</summary>
    private static bool StartsWithUrlScheme(string path)
    {
        ReadOnlySpan<char> rest = path.AsSpan(path.StartsWith('/') ? 1 : 0);
        int colon = rest.IndexOfAny(':', '/', '?');
        if (colon <= 0 || rest[colon] != ':' || !char.IsAsciiLetter(rest[0]))
        {
            return false;
        }

        foreach (char c in rest[..colon])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    public static string? ValidateQuality(StreamQuality? quality) =>
        quality is null || Enum.IsDefined(quality.Value) ? null : "Stream quality must be \"stream1\" (HD) or \"stream2\" (SD).";

    public static string? ValidateDescription(string? description)
    {
        if (description is null)
        {
            return null;
        }

        if (description.Length > MaxDescriptionLength)
        {
            return $"Description must be at most {MaxDescriptionLength} characters.";
        }

        return ContainsControl(description, allowLineBreaks: true) ? "Description must not contain control characters." : null;
    }

    /// <summary>Null or empty means automatic placement; anything else must be a node name.</summary>
    public static string? ValidatePinnedNode(string? pinnedNode) =>
        string.IsNullOrEmpty(pinnedNode) || ClusterNodeName.IsValid(pinnedNode)
            ? null
            : $"pinned_node must be a node name: 1-{ClusterNodeName.MaxLength} lower-case letters, digits or '-', starting with a letter or digit.";

    /// <summary>The stored form of a pin: empty means none.</summary>
    public static string? NormalizePinnedNode(string? pinnedNode) => string.IsNullOrEmpty(pinnedNode) ? null : pinnedNode;

    /// <summary>Group ids must be positive and listed once; whether the groups exist is the store's check.</summary>
    public static string? ValidateGroupIds(IReadOnlyList<int>? groups)
    {
        if (groups is null)
        {
            return null;
        }

        if (groups.Count > MaxGroups)
        {
            return $"A camera can be in at most {MaxGroups} groups.";
        }

        return groups.Any(id => id <= 0) || groups.Distinct().Count() != groups.Count
            ? "groups must list group ids, each once."
            : null;
    }

    /// <summary>The trimmed display name.</summary>
    public static string NormalizeName(string? name) => name?.Trim() ?? string.Empty;

    /// <summary>The uniqueness key: trimmed, inner whitespace collapsed, upper-cased invariantly.</summary>
    public static string NormalizeNameKey(string? name)
    {
        var builder = new StringBuilder();
        foreach (string part in NormalizeName(name).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(part.ToUpperInvariant());
        }

        return builder.ToString();
    }

    public static string NormalizeHost(string? host) => host?.Trim() ?? string.Empty;

    public static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Trim().TrimStart('/');
    }

    /// <summary>The preset key in its canonical (lower-case) spelling.</summary>
    public static string NormalizeBrand(string? brand) =>
        CameraBrandPresets.TryGet(brand?.Trim(), out CameraBrandPreset? preset) ? preset.Key : CameraBrandPresets.CustomKey;

    private static string? ValidateCredential(string? value, int maxLength, string label)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{label} must be at most {maxLength} characters.");
        }

        return ContainsControl(value, allowLineBreaks: false) ? $"{label} must not contain control characters or line breaks." : null;
    }

    private static bool IsIpv6(string host) =>
        !host.Contains('%', StringComparison.Ordinal)
        && IPAddress.TryParse(host, out IPAddress? address)
        && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsStrictIpv4(string[] labels)
    {
        if (labels.Length != 4)
        {
            return false;
        }

        foreach (string label in labels)
        {
            if (label.Length is 0 or > 3 || (label.Length > 1 && label[0] == '0') || !label.All(char.IsAsciiDigit)
                || int.Parse(label, NumberStyles.None, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsControl(string value, bool allowLineBreaks)
    {
        foreach (char c in value)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'))
            {
                return true;
            }

            // Line and paragraph separators break log lines and UI layout as surely as '\n' does.
            if (c is '\u2028' or '\u2029' && !allowLineBreaks)
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(Dictionary<string, string[]> errors, string field, string? message)
    {
        if (message is not null)
        {
            errors[field] = [message];
        }
    }
}
