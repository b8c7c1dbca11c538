namespace CamStudio.Media.Sdp;

/// <summary>
/// Decides whether CamStudio can answer a parsed offer: a WebRTC (ICE + DTLS-SRTP + rtcp-mux) video section the
/// browser wants to receive, with H.264 in packetization-mode 1. Every refusal is one sentence naming the problem,
/// because it ends up in the viewer's error tile and in the log.
/// </summary>
public static class SdpOfferValidator
{
    /// <summary>Parse and validate in one step, the way the WHEP endpoint uses it.</summary>
    public static bool TryParseAndValidate(string sdp, out SdpOffer? offer, out string? error)
    {
        if (!SdpOffer.TryParse(sdp, out offer, out error))
        {
            return false;
        }

        if (!TryValidate(offer!, out error))
        {
            offer = null;
            return false;
        }

        return true;
    }

    public static bool TryValidate(SdpOffer offer, out string? error)
    {
        ArgumentNullException.ThrowIfNull(offer);
        error = Check(offer);
        return error is null;
    }

    private static string? Check(SdpOffer offer)
    {
        if (offer.IceLite)
        {
            return "The offer declares a=ice-lite; CamStudio is ICE-lite too and two lite agents cannot connect (RFC 8445 §2.5).";
        }

        var video = offer.Video;
        if (video is null)
        {
            return offer.Media.Any(m => string.Equals(m.Kind, "video", StringComparison.Ordinal))
                ? "The offer's video m= line has port 0: the browser disabled it, so there is nothing to answer."
                : "The offer has no video m= line; CamStudio only sends video.";
        }

        if (!video.Protocol.Contains("RTP/SAVP", StringComparison.Ordinal)
            || !(video.Protocol.StartsWith("UDP/TLS/", StringComparison.Ordinal) || video.Protocol.StartsWith("TCP/DTLS/", StringComparison.Ordinal)
                 || video.Protocol.StartsWith("RTP/", StringComparison.Ordinal)))
        {
            return $"The video m= line uses protocol {SdpParser.Shorten(video.Protocol)}; WebRTC needs DTLS-SRTP (UDP/TLS/RTP/SAVPF).";
        }

        switch (video.Direction)
        {
            case SdpDirection.SendOnly:
                return "The video m= line is sendonly: the browser offers to send video, but CamStudio only sends; offer recvonly.";
            case SdpDirection.Inactive:
                return "The video m= line is inactive: the browser does not want to receive video.";
        }

        if (video.Mid is null)
        {
            return "The video m= line has no a=mid; JSEP (RFC 8829 §5.2.1) requires one and the answer must echo it.";
        }

        bool offersH265 = video.Codecs.Any(H265CodecSelector.IsH265);
        if (!video.Codecs.Any(H264CodecSelector.IsH264) && !offersH265)
        {
            // Name only real codecs; rtx/red/ulpfec are repair formats and would only clutter the sentence.
            var offered = string.Join(", ", video.Codecs.Select(c => c.Name)
                .Where(n => n.ToUpperInvariant() is not ("RTX" or "RED" or "ULPFEC" or "FLEXFEC-03"))
                .Distinct(StringComparer.OrdinalIgnoreCase).Take(10).Select(n => SdpParser.Shorten(n)));
            return "The video m= line offers no H.264 (offered: " + (offered.Length == 0 ? "nothing usable" : offered)
                + "); CamStudio relays the camera's H.264 (or H.265) without transcoding.";
        }

        // Whether the offered codecs fit this camera is the server's question (it knows the camera's codec); an
        // H.265-only offer is valid SDP.
        if (offersH265 && !video.Codecs.Any(H264CodecSelector.IsH264))
        {
            return CheckTransport(offer, video);
        }

        if (!video.Codecs.Any(H264CodecSelector.IsUsableH264) && !offersH265)
        {
            return "The video m= line offers H.264 only with packetization-mode=0; CamStudio needs packetization-mode=1 (RFC 6184 §6.3) for FU-A fragments.";
        }

        // Keep the validator and the selector in agreement: a validated offer always yields a codec.
        if (H264CodecSelector.Select(video, null) is null && !offersH265)
        {
            return "Every H.264 codec in the video m= line has a malformed profile-level-id; RFC 6184 §8.1 needs six hex digits.";
        }

        return CheckTransport(offer, video);
    }

    private static string? CheckTransport(SdpOffer offer, SdpMediaDescription video)
    {
        if (string.IsNullOrEmpty(video.IceUfrag))
        {
            return "The offer has no a=ice-ufrag for the video section (RFC 8839 §5.4).";
        }

        if (string.IsNullOrEmpty(video.IcePassword))
        {
            return "The offer has no a=ice-pwd for the video section (RFC 8839 §5.4).";
        }

        // RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4-256, pwd 22-256 characters.
        if (!IsIceString(video.IceUfrag, 4))
        {
            return "The offer's a=ice-ufrag must be 4 to 256 characters from A-Z a-z 0-9 + / (RFC 8839 §5.4).";
        }

        if (!IsIceString(video.IcePassword, 22))
        {
            return "The offer's a=ice-pwd must be 22 to 256 characters from A-Z a-z 0-9 + / (RFC 8839 §5.4).";
        }

        if (video.Fingerprints.Count == 0)
        {
            return "The offer has no a=fingerprint; DTLS-SRTP cannot authenticate the browser without it (RFC 8842 §5).";
        }

        var sha256 = video.Fingerprints.FirstOrDefault(f => string.Equals(f.Algorithm, "sha-256", StringComparison.Ordinal));
        if (sha256 is null)
        {
            return "The offer's a=fingerprint uses " + string.Join(", ", video.Fingerprints.Select(f => SdpParser.Shorten(f.Algorithm)))
                + " only; CamStudio checks the browser's certificate with sha-256.";
        }

        if (sha256.Value.Length != (32 * 3) - 1)
        {
            return "The offer's sha-256 a=fingerprint is not 32 bytes long.";
        }

        switch (offer.Setup)
        {
            case "passive":
                return "The offer has a=setup:passive; CamStudio is always the DTLS server (passive), so the browser must offer actpass or active.";
            case "holdconn":
                return "The offer has a=setup:holdconn; there is no DTLS connection to set up.";
        }

        if (!video.RtcpMux)
        {
            return "The video m= line lacks a=rtcp-mux; CamStudio sends RTP and RTCP on one port only (RFC 8843, RFC 5761).";
        }

        return null;
    }

    private static bool IsIceString(string value, int minLength)
    {
        if (value.Length < minLength || value.Length > 256)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }
}
