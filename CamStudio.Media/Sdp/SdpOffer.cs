namespace CamStudio.Media.Sdp;

/// <summary>
/// A browser's SDP offer, parsed. <see cref="TryParse"/> checks syntax and structure only (RFC 8866);
/// <see cref="SdpOfferValidator.TryValidate"/> checks that CamStudio can answer it (WebRTC, H.264, ICE, DTLS).
/// </summary>
public sealed class SdpOffer
{
    /// <summary>Offers larger than this are refused before any parsing.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>A Chromium offer with 16 m= sections stays well under this.</summary>
    public const int MaxLines = 4096;

    public const int MaxLineLength = 2048;

    /// <summary>BUNDLE lets one transport carry many sections, but a viewer needs one; more is abuse.</summary>
    public const int MaxMediaSections = 16;

    internal SdpOffer(
        string sessionName,
        IReadOnlyList<SdpMediaDescription> media,
        IReadOnlyList<IReadOnlyList<string>> bundleGroups,
        bool iceLite)
    {
        SessionName = sessionName;
        Media = media;
        BundleGroups = bundleGroups;
        IceLite = iceLite;
        Video = media.FirstOrDefault(m => string.Equals(m.Kind, "video", StringComparison.Ordinal) && !m.IsDisabled);
        Audio = media.FirstOrDefault(m => string.Equals(m.Kind, "audio", StringComparison.Ordinal) && !m.IsDisabled);

        // Credentials come from the section we will answer: with BUNDLE every bundled section carries the same
        // ones, and without a video section the first section (or the session level, already folded in) is as good.
        var transport = Video ?? (media.Count > 0 ? media[0] : null);
        IceUfrag = transport?.IceUfrag ?? string.Empty;
        IcePassword = transport?.IcePassword ?? string.Empty;
        var fingerprints = transport?.Fingerprints ?? [];
        var chosen = fingerprints.FirstOrDefault(f => string.Equals(f.Algorithm, "sha-256", StringComparison.Ordinal))
            ?? fingerprints.FirstOrDefault();
        FingerprintAlgorithm = chosen?.Algorithm ?? string.Empty;
        Fingerprint = chosen?.Value ?? string.Empty;

        // RFC 4145 §4: an absent a=setup means "active", which is what we need from the browser anyway.
        Setup = transport?.Setup ?? "active";
    }

    /// <summary>The s= value.</summary>
    public string SessionName { get; }

    /// <summary>ICE username fragment of the section we answer (media level, else session level); empty if absent.</summary>
    public string IceUfrag { get; }

    public string IcePassword { get; }

    /// <summary>Hash function of the chosen fingerprint ("sha-256" whenever the offer carries one); empty if absent.</summary>
    public string FingerprintAlgorithm { get; }

    /// <summary>Colon-separated upper-case hex, e.g. "AB:CD:...".</summary>
    public string Fingerprint { get; }

    /// <summary>"actpass", "active", "passive" or "holdconn" (RFC 8842 §5.1); "active" when the offer has none.</summary>
    public string Setup { get; }

    public IReadOnlyList<SdpMediaDescription> Media { get; }

    /// <summary>The first video section the offerer did not disable: the one CamStudio answers. Null if none.</summary>
    public SdpMediaDescription? Video { get; }

    /// <summary>
    /// The first audio section the offerer did not disable: the only one CamStudio may answer (a camera has one
    /// microphone; any further audio section is rejected). Null if none.
    /// </summary>
    public SdpMediaDescription? Audio { get; }

    /// <summary>Every a=group:BUNDLE at session level, each as its list of mids.</summary>
    public IReadOnlyList<IReadOnlyList<string>> BundleGroups { get; }

    /// <summary>The offerer claims a=ice-lite (a browser never does; two lite agents cannot connect).</summary>
    public bool IceLite { get; }

    /// <summary>Parses an offer. Never throws; on failure <paramref name="error"/> is a sentence naming the problem.</summary>
    public static bool TryParse(string sdp, out SdpOffer? offer, out string? error)
    {
        try
        {
            return SdpParser.TryParse(sdp, out offer, out error);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // The parser is written not to throw; this is a last line of defence so hostile input cannot take a
            // request handler down even if a bug slips through.
            offer = null;
            error = "The offer could not be parsed (" + ex.GetType().Name + ").";
            return false;
        }
    }
}
