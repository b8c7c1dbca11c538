using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CamStudio.Media.Srtp;

/// <summary>
/// One direction of an SRTP session: one master key and salt, with per-SSRC rollover counters, SRTCP
/// indices and replay windows inside (RFC 3711 §3.2). Protect and unprotect work in place on the
/// caller's buffer and never allocate per packet (state for an SSRC is allocated once, when its first
/// packet is protected or authenticated).
/// </summary>
/// <remarks>
/// Not thread-safe: a context has exactly one writer (the viewer's send loop, or its receive loop).
/// Every Try method returns false, never throws, on malformed, too short, replayed or forged input;
/// after a false from an unprotect call the buffer contents are unspecified (AES-GCM zeroes what it
/// could not authenticate) but the context state is unchanged.
/// </remarks>
public sealed class SrtpContext : IDisposable
{
    // RFC 3550 §5.1 fixed RTP header.
    //  0                   1                   2                   3
    //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    // |V=2|P|X|  CC   |M|     PT      |       sequence number         |
    // |                           timestamp                           |
    // |           synchronization source (SSRC) identifier            |
    // |            contributing source (CSRC) identifiers (CC x 32)   |
    // |  extension profile            |  extension length (words)     |  (if X)
    private const int RtpFixedHeaderLength = 12;
    private const int RtpSequenceOffset = 2;
    private const int RtpSsrcOffset = 8;
    private const int RtpExtensionHeaderLength = 4;
    private const int RtpExtensionLengthOffset = 2;

    // RFC 3550 §6.4: |V=2|P|  RC |   PT   |  length  | SSRC of sender |; SRTCP leaves these 8 bytes clear.
    private const int RtcpHeaderLength = 8;
    private const int RtcpSsrcOffset = 4;

    private const int Version = 2;
    private const uint MaxSrtcpIndex = 0x7FFF_FFFF;
    private const ulong MaxSrtpIndex = (1UL << 48) - 1;

    // Caps the per-SSRC tables so a peer cannot grow memory without bound; a viewer uses one or two SSRCs.
    private const int MaxStreams = 256;

    private readonly SrtpCipher _rtp;
    private readonly SrtpCipher _rtcp;

    private readonly Dictionary<uint, ulong> _sendRtpHighestIndex = [];
    private readonly Dictionary<uint, uint> _sendRtcpNextIndex = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _receiveRtp = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _receiveRtcp = [];
    private bool _disposed;

    /// <summary>Creates a context and derives its session keys (RFC 3711 §4.3, key_derivation_rate 0).</summary>
    /// <exception cref="ArgumentException">The key or salt length does not match the profile.</exception>
    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (!SrtpProfileInfo.IsSupported(profile))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP profile.");
        }

        if (masterKey.Length != SrtpProfileInfo.MasterKeyLength(profile))
        {
            throw new ArgumentException($"Master key must be {SrtpProfileInfo.MasterKeyLength(profile)} bytes.", nameof(masterKey));
        }

        if (masterSalt.Length != SrtpProfileInfo.MasterSaltLength(profile))
        {
            throw new ArgumentException($"Master salt must be {SrtpProfileInfo.MasterSaltLength(profile)} bytes.", nameof(masterSalt));
        }

        Profile = profile;
        SrtpSessionKeys keys = SrtpSessionKeys.Derive(profile, masterKey, masterSalt);
        (_rtp, _rtcp) = CreateCiphers(profile, keys);
    }

    /// <summary>Creates a context from already-derived session keys (RFC 7714 §16–17 publish vectors that way).</summary>
    internal SrtpContext(SrtpProfile profile, SrtpSessionKeys sessionKeys)
    {
        Profile = profile;
        (_rtp, _rtcp) = CreateCiphers(profile, sessionKeys);
    }

    /// <summary>The protection profile this context was created for.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>
    /// Encrypts and authenticates the RTP packet in <c>buffer[0..length)</c> in place and appends the tag.
    /// <paramref name="buffer"/> must have room for <see cref="SrtpProfileInfo.RtpOverhead"/> more bytes.
    /// The rollover counter follows the sequence numbers (wrap 0xFFFF to 0 advances it); protecting an
    /// older sequence number again, as a NACK retransmission does, reuses that packet's index.
    /// </summary>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (_disposed || length < 0 || length > buffer.Length - _rtp.TagLength
            || !TryGetRtpHeaderLength(buffer[..length], out int headerLength))
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[RtpSsrcOffset..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[RtpSequenceOffset..]);

        ref ulong highest = ref CollectionsMarshal.GetValueRefOrNullRef(_sendRtpHighestIndex, ssrc);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref highest);
        // RFC 3711 §3.3.1: the sender starts every SSRC at ROC 0.
        long index = known ? SrtpReplayWindow.EstimateIndex(highest, sequence) : sequence;
        if (index < 0 || (ulong)index > MaxSrtpIndex || (!known && _sendRtpHighestIndex.Count >= MaxStreams))
        {
            return false;
        }

        _rtp.ProtectRtp(buffer, headerLength, length, ssrc, (ulong)index);
        if (!known)
        {
            _sendRtpHighestIndex[ssrc] = (ulong)index;
        }
        else if ((ulong)index > highest)
        {
            highest = (ulong)index;
        }

        protectedLength = length + _rtp.TagLength;
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet in <c>buffer[0..length)</c> in place. Replayed,
    /// too old (more than 64 behind), malformed and forged packets return false and change no state.
    /// </summary>
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        int tagLength = _rtp.TagLength;
        if (_disposed || length < 0 || length > buffer.Length || length - tagLength < RtpFixedHeaderLength
            || !TryGetRtpHeaderLength(buffer[..(length - tagLength)], out int headerLength))
        {
            return false;
        }

        int payloadEnd = length - tagLength;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[RtpSsrcOffset..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[RtpSequenceOffset..]);

        bool known = _receiveRtp.TryGetValue(ssrc, out SrtpReplayWindow window);
        // A new SSRC is assumed to start at ROC 0, like the sender (RFC 3711 §3.3.1).
        long index = known ? SrtpReplayWindow.EstimateIndex(window.HighestIndex, sequence) : sequence;
        if (index < 0 || (known && !window.IsFresh((ulong)index)) || (!known && _receiveRtp.Count >= MaxStreams))
        {
            return false;
        }

        if (!_rtp.UnprotectRtp(buffer, headerLength, payloadEnd, ssrc, (ulong)index))
        {
            return false;
        }

        // Only an authenticated packet may move the ROC or the replay window.
        if (known)
        {
            window.Accept((ulong)index);
            _receiveRtp[ssrc] = window;
        }
        else
        {
            _receiveRtp[ssrc] = SrtpReplayWindow.StartAt((ulong)index);
        }

        plainLength = payloadEnd;
        return true;
    }

    /// <summary>
    /// Encrypts the (compound) RTCP packet in <c>buffer[0..length)</c> after its first 8 bytes, appends
    /// E|SRTCP index and the tag. <paramref name="buffer"/> must have room for <see cref="SrtpProfileInfo.RtcpOverhead"/> more bytes.
    /// </summary>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        int overhead = _rtcp.TagLength + SrtpProfileInfo.SrtcpIndexLength;
        if (_disposed || length < RtcpHeaderLength || length > buffer.Length - overhead || buffer[0] >> 6 != Version)
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[RtcpSsrcOffset..]);
        ref uint next = ref CollectionsMarshal.GetValueRefOrNullRef(_sendRtcpNextIndex, ssrc);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref next);
        // RFC 3711 §3.3.2: the SRTCP index starts at 0; past 2^31 - 1 the key must be replaced.
        uint index = known ? next : 0;
        if (index > MaxSrtcpIndex || (!known && _sendRtcpNextIndex.Count >= MaxStreams))
        {
            return false;
        }

        _rtcp.ProtectRtcp(buffer, length, ssrc, index);
        if (known)
        {
            next = index + 1;
        }
        else
        {
            _sendRtcpNextIndex[ssrc] = index + 1;
        }

        protectedLength = length + overhead;
        return true;
    }

    /// <summary>
    /// Authenticates and, when the E bit is set, decrypts the SRTCP packet in <c>buffer[0..length)</c> in place.
    /// Replayed, malformed and forged packets return false and change no state.
    /// </summary>
    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        int overhead = _rtcp.TagLength + SrtpProfileInfo.SrtcpIndexLength;
        if (_disposed || length < 0 || length > buffer.Length || length - overhead < RtcpHeaderLength || buffer[0] >> 6 != Version)
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[RtcpSsrcOffset..]);
        uint indexWord = BinaryPrimitives.ReadUInt32BigEndian(buffer[(length - _rtcp.SrtcpIndexOffsetFromEnd)..]);
        uint index = indexWord & MaxSrtcpIndex;

        bool known = _receiveRtcp.TryGetValue(ssrc, out SrtpReplayWindow window);
        if ((known && !window.IsFresh(index)) || (!known && _receiveRtcp.Count >= MaxStreams))
        {
            return false;
        }

        int payloadEnd = length - overhead;
        if (!_rtcp.UnprotectRtcp(buffer, payloadEnd, ssrc, indexWord))
        {
            return false;
        }

        if (known)
        {
            window.Accept(index);
            _receiveRtcp[ssrc] = window;
        }
        else
        {
            _receiveRtcp[ssrc] = SrtpReplayWindow.StartAt(index);
        }

        plainLength = payloadEnd;
        return true;
    }

    /// <summary>Releases the AES/HMAC instances; every Try method returns false afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// <summary>Test hook: the SRTCP index the next protected packet of <paramref name="ssrc"/> carries.</summary>
    internal void SetNextSrtcpIndex(uint ssrc, uint index) => _sendRtcpNextIndex[ssrc] = index;

    /// <summary>Test hook: the receiver's rollover counter for <paramref name="ssrc"/>, or null before its first authenticated packet.</summary>
    internal uint? GetReceiveRolloverCounter(uint ssrc) =>
        _receiveRtp.TryGetValue(ssrc, out SrtpReplayWindow window) ? (uint)(window.HighestIndex >> 16) : null;

    /// <summary>Test hook: the sender's rollover counter for <paramref name="ssrc"/>, or null before its first packet.</summary>
    internal uint? GetSendRolloverCounter(uint ssrc) =>
        _sendRtpHighestIndex.TryGetValue(ssrc, out ulong highest) ? (uint)(highest >> 16) : null;

    /// <summary>Length of the RTP header including CSRCs and the header extension (RFC 3550 §5.1, §5.3.1).</summary>
    internal static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpFixedHeaderLength || packet[0] >> 6 != Version)
        {
            return false;
        }

        int length = RtpFixedHeaderLength + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + RtpExtensionHeaderLength)
            {
                return false;
            }

            int words = BinaryPrimitives.ReadUInt16BigEndian(packet[(length + RtpExtensionLengthOffset)..]);
            length += RtpExtensionHeaderLength + (4 * words);
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }

    private static (SrtpCipher Rtp, SrtpCipher Rtcp) CreateCiphers(SrtpProfile profile, SrtpSessionKeys keys)
    {
        var rtp = SrtpCipher.Create(profile, keys.RtpKey, keys.RtpAuthKey, keys.RtpSalt);
        var rtcp = SrtpCipher.Create(profile, keys.RtcpKey, keys.RtcpAuthKey, keys.RtcpSalt);
        keys.Clear();
        return (rtp, rtcp);
    }
}
