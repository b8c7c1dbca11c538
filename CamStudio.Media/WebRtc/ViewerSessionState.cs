namespace CamStudio.Media.WebRtc;

/// <summary>Where a viewer is in its life.</summary>
public enum ViewerSessionState
{
    /// <summary>Answer created, nothing heard from the browser yet.</summary>
    New,

    /// <summary>Connectivity checks and the DTLS handshake are under way.</summary>
    Connecting,

    /// <summary>DTLS done, SRTP keys in place, video flowing.</summary>
    Connected,

    /// <summary>Ended; see <see cref="ViewerCloseReason"/>.</summary>
    Closed,
}

/// <summary>Why a viewer session ended.</summary>
public enum ViewerCloseReason
{
    /// <summary>The server (the signalling layer or shutdown) ended it.</summary>
    ClosedByServer,

    /// <summary>The browser closed the peer connection (DTLS close_notify or RTCP BYE).</summary>
    ClosedByPeer,

    /// <summary>No valid ICE check for the consent timeout (RFC 7675): a killed tab or a lost network.</summary>
    ConsentExpired,

    /// <summary>DTLS did not complete: wrong fingerprint, no use_srtp, or a timeout.</summary>
    HandshakeFailed,

    /// <summary>The camera was removed or reconfigured.</summary>
    SourceRemoved,

    /// <summary>The camera started sending a codec other than the one negotiated (H.264 ↔ H.265); the player re-offers.</summary>
    CodecChanged,

    /// <summary>
    /// Another node serves the camera now (a cluster fenced it here: its lease ran out); the player offers again and
    /// reaches the new owner. Closed like <see cref="SourceRemoved"/>, with a DTLS close_notify.
    /// </summary>
    SourceMoved,
}
