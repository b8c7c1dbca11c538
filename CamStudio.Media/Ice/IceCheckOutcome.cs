namespace CamStudio.Media.Ice;

/// <summary>What <see cref="IceLiteAgent.HandleBindingRequest(ReadOnlySpan{byte}, System.Net.SocketAddress, Span{byte}, out int)"/> did.</summary>
public enum IceCheckOutcome
{
    /// <summary>A well-formed STUN message that is not a Binding request (indication, response): ignored, no response.</summary>
    NotBindingRequest,

    /// <summary>Not STUN, malformed framing, trailing bytes, or FINGERPRINT missing/wrong: silently discarded, no response.</summary>
    Dropped,

    /// <summary>400: USERNAME or MESSAGE-INTEGRITY missing, or (authenticated) PRIORITY missing or an ICE attribute malformed.</summary>
    BadRequest,

    /// <summary>401: USERNAME is not "ourUfrag:theirUfrag" or MESSAGE-INTEGRITY does not verify with our ice-pwd.</summary>
    Unauthorized,

    /// <summary>487: the request claims ICE-CONTROLLED, but a lite agent is always controlled (RFC 8445 §6.1.1).</summary>
    RoleConflict,

    /// <summary>Valid check: success response written, consent refreshed, path possibly selected.</summary>
    Success,

    /// <summary>420: authenticated, but carries a comprehension-required attribute we do not know (RFC 8489 §6.3.1).</summary>
    UnknownAttribute,
}
