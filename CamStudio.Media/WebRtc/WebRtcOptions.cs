using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace CamStudio.Media.WebRtc;

/// <summary>Configuration of the WebRTC media plane (section <c>WebRtc</c>).</summary>
public sealed class WebRtcOptions : IValidatableObject
{
    public const string SectionName = "WebRtc";

    /// <summary>The one UDP port every viewer's ICE, DTLS and SRTP share.</summary>
    [Range(0, 65535)]
    public int UdpPort { get; set; } = 8555;

    /// <summary>Address the UDP socket binds to. Any by default.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Addresses put into the answer's host candidates. Empty means: every non-loopback interface address
    /// of this machine. Set it behind NAT or in Docker to the address browsers can reach.
    /// </summary>
    public List<string> AdvertisedAddresses { get; set; } = [];

    /// <summary>Optional STUN/TURN server URLs handed to the browser's RTCPeerConnection configuration.</summary>
    public List<IceServerOptions> IceServers { get; set; } = [];

    /// <summary>RFC 7675 consent freshness: a viewer with no valid connectivity check for this long is gone.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a viewer may take from answer to a completed DTLS handshake.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Packets kept per viewer for NACK retransmission (about 1–2 s of HD video).</summary>
    [Range(64, 16384)]
    public int RetransmissionHistoryPackets { get; set; } = 1024;

    /// <summary>Upper bound on concurrent viewer sessions across all cameras.</summary>
    [Range(1, 10000)]
    public int MaxSessions { get; set; } = 256;

    // Data annotations do not descend into list items: each ICE server is validated here, so a typo fails at start-up.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < IceServers.Count; i++)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(IceServers[i], new ValidationContext(IceServers[i]), results, validateAllProperties: true);
            foreach (ValidationResult result in results)
            {
                yield return new ValidationResult(
                    string.Create(CultureInfo.InvariantCulture, $"{nameof(IceServers)}[{i}]: {result.ErrorMessage}"),
                    result.MemberNames.Select(m => string.Create(CultureInfo.InvariantCulture, $"{nameof(IceServers)}[{i}].{m}")).ToArray());
            }
        }
    }
}

/// <summary>
/// A STUN or TURN server for the browser (RTCIceServer). A TURN server takes either a static
/// <see cref="Username"/>/<see cref="Credential"/> pair or a <see cref="Secret"/> shared with the server, from which
/// time-limited credentials are minted per offer (the "TURN REST API" scheme coturn implements as
/// <c>use-auth-secret</c>/<c>static-auth-secret</c>).
/// </summary>
public sealed class IceServerOptions : IValidatableObject
{
    [Required]
    [MinLength(1)]
    public List<string> Urls { get; set; } = [];

    public string? Username { get; set; }

    public string? Credential { get; set; }

    /// <summary>
    /// The TURN server's shared secret. Each browser then gets the username <c>expiry:user</c> and the credential
    /// base64(HMAC-SHA1(secret, username)), valid for <see cref="CredentialLifetime"/>; the secret itself never leaves
    /// the server.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long minted credentials stay valid; a tile keeps its peer connection's TURN allocation beyond it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(12);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (string url in Urls)
        {
            if (!s_schemes.Any(scheme => url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)))
            {
                yield return new ValidationResult(
                    "Every ICE server URL starts with stun:, stuns:, turn: or turns: (RFC 7064, RFC 7065).", [nameof(Urls)]);
            }
        }

        if (!string.IsNullOrEmpty(Secret) && (!string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Credential)))
        {
            yield return new ValidationResult(
                "An ICE server has either a shared Secret (credentials minted per viewer) or a static Username/Credential, not both.",
                [nameof(Secret)]);
        }
    }

    private static readonly string[] s_schemes = ["stun:", "stuns:", "turn:", "turns:"];
}
