namespace CamStudio.Media.Stun;

/// <summary>
/// The 16-bit STUN message type (RFC 8489 §5): a 12-bit method with the 2 class bits interleaved.
/// Only the Binding method is named; other methods still parse and are reported by their raw value.
/// </summary>
public enum StunMessageType : ushort
{
    BindingRequest = 0x0001,
    BindingIndication = 0x0011,
    BindingSuccessResponse = 0x0101,
    BindingErrorResponse = 0x0111,
}

/// <summary>The class encoded in bits C1 (0x0100) and C0 (0x0010) of the message type (RFC 8489 §5).</summary>
public enum StunMessageClass : byte
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}

/// <summary>
/// Attribute types used by STUN and ICE (RFC 8489 §18.3, RFC 8445 §16.1). Values below 0x8000 are
/// comprehension-required: a request carrying one we do not know gets a 420 (RFC 8489 §6.3.1).
/// </summary>
public enum StunAttributeType : ushort
{
    MappedAddress = 0x0001,
    Username = 0x0006,
    MessageIntegrity = 0x0008,
    ErrorCode = 0x0009,
    UnknownAttributes = 0x000A,
    Realm = 0x0014,
    Nonce = 0x0015,
    MessageIntegritySha256 = 0x001C,
    PasswordAlgorithm = 0x001D,
    UserHash = 0x001E,
    XorMappedAddress = 0x0020,
    Priority = 0x0024,
    UseCandidate = 0x0025,
    PasswordAlgorithms = 0x8002,
    AlternateDomain = 0x8003,
    Software = 0x8022,
    AlternateServer = 0x8023,
    Fingerprint = 0x8028,
    IceControlled = 0x8029,
    IceControlling = 0x802A,
}

/// <summary>Helpers over the raw message type field.</summary>
public static class StunMessageTypes
{
    private const ushort ClassMask = 0x0110;

    /// <summary>The class bits C1 (bit 8) and C0 (bit 4) of a message type.</summary>
    public static StunMessageClass GetClass(ushort type) =>
        (StunMessageClass)(((type >> 7) & 0x2) | ((type >> 4) & 0x1));

    /// <summary>The 12-bit method with the class bits squeezed out (RFC 8489 §5, Figure 3).</summary>
    public static ushort GetMethod(ushort type) =>
        (ushort)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));

    /// <summary>Whether the attribute type is in the comprehension-required range (0x0000-0x7FFF).</summary>
    public static bool IsComprehensionRequired(ushort attributeType) => attributeType < 0x8000;

    /// <summary>Whether this codec knows the attribute (the ones named in <see cref="StunAttributeType"/>).</summary>
    public static bool IsKnownAttribute(ushort attributeType) => Enum.IsDefined((StunAttributeType)attributeType);

    internal static bool IsClass(ushort type, StunMessageClass messageClass) =>
        (type & ClassMask) == (((int)messageClass & 0x2) << 7 | ((int)messageClass & 0x1) << 4);
}
