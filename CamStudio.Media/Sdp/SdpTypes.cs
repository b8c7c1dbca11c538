namespace CamStudio.Media.Sdp;

/// <summary>Media direction attribute (RFC 8866 §6.7), seen from the side that wrote the description.</summary>
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>
/// One codec of an m-line: an <c>a=rtpmap</c> with its <c>a=fmtp</c> parameters and <c>a=rtcp-fb</c> values
/// ("nack", "nack pli", "ccm fir", "transport-cc", ...). <see cref="RtxPayloadType"/> is the payload type of the
/// <c>rtx</c> codec whose <c>apt</c> points at this one (RFC 4588), if offered.
/// </summary>
public sealed record SdpCodec(
    byte PayloadType,
    string Name,
    int ClockRate,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> RtcpFeedback,
    byte? RtxPayloadType)
{
    /// <summary>Channel count from the rtpmap encoding parameters (audio), or null.</summary>
    public int? Channels { get; init; }

    /// <summary>The <c>a=fmtp</c> value exactly as offered (answers copy it verbatim), or null when there was none.</summary>
    public string? FormatParameters { get; init; }

    /// <summary>Case-insensitive lookup of an fmtp parameter (RFC 6184 parameter names are case-insensitive).</summary>
    public string? GetParameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An <c>a=extmap</c> line (RFC 8285): id, optional direction, URI.</summary>
public sealed record SdpExtMap(int Id, string Uri, SdpDirection? Direction);

/// <summary>One <c>a=fingerprint</c> (RFC 8122): hash function name (lower case) and the colon-separated upper-case hex.</summary>
public sealed record SdpFingerprint(string Algorithm, string Value);
