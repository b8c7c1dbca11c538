using System.Net;
using System.Text;
using CamStudio.Media.Stun;

namespace CamStudio.Media.Ice;

/// <summary>
/// The ICE-lite side of one viewer (RFC 8445 §2.5, §7.3): it never sends checks, it only answers the browser's
/// Binding requests, remembers the path they came from and when the last valid one arrived (consent, RFC 7675).
/// <see cref="HandleBindingRequest(ReadOnlySpan{byte}, SocketAddress, Span{byte}, out int)"/> is meant to be
/// called from one receive loop; the state properties may be read from any thread.
/// </summary>
public sealed class IceLiteAgent
{
    /// <summary>A response buffer of this size always fits (the largest is a 420 listing unknown attributes).</summary>
    public const int MaxResponseLength = 160;

    // Cap on UNKNOWN-ATTRIBUTES entries so a hostile request cannot grow the 420 past MaxResponseLength.
    private const int MaxUnknownAttributesReported = 16;

    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _expectedUsername;
    private SocketAddress? _selectedRemote;
    private bool _isNominated;
    private DateTimeOffset _lastConsent;

    public IceLiteAgent(IceCredentials local, string remoteUfrag, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remoteUfrag);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!IceCredentials.IsIceChars(remoteUfrag))
        {
            throw new ArgumentException("The remote ice-ufrag must be 1-256 ice-chars.", nameof(remoteUfrag));
        }

        Local = local;
        RemoteUfrag = remoteUfrag;
        _timeProvider = timeProvider;

        // RFC 8445 §7.2.2: the browser (controlling, sending the check) puts OUR ufrag first.
        _expectedUsername = Encoding.ASCII.GetBytes(local.Ufrag + ":" + remoteUfrag);

        // Consent starts at creation, so a viewer whose browser never sends a single check also times out.
        _lastConsent = timeProvider.GetUtcNow();
    }

    public IceCredentials Local { get; }

    public string RemoteUfrag { get; }

    /// <summary>The remote address of the path in use: the first valid check's sender, then the latest USE-CANDIDATE's.</summary>
    public SocketAddress? SelectedRemote
    {
        get
        {
            lock (_gate)
            {
                return _selectedRemote;
            }
        }
    }

    /// <summary>Whether the browser has nominated a pair (a valid check carrying USE-CANDIDATE).</summary>
    public bool IsNominated
    {
        get
        {
            lock (_gate)
            {
                return _isNominated;
            }
        }
    }

    /// <summary>When the last valid check arrived (creation time until then).</summary>
    public DateTimeOffset LastConsent
    {
        get
        {
            lock (_gate)
            {
                return _lastConsent;
            }
        }
    }

    /// <summary>RFC 7675 §5.1: consent is lost when no valid check arrived for <paramref name="timeout"/> (30 s there).</summary>
    public bool IsConsentExpired(TimeSpan timeout) => _timeProvider.GetUtcNow() - LastConsent > timeout;

    /// <inheritdoc cref="HandleBindingRequest(ReadOnlySpan{byte}, SocketAddress, Span{byte}, out int, out bool)"/>
    public IceCheckOutcome HandleBindingRequest(ReadOnlySpan<byte> request, SocketAddress remote, Span<byte> response, out int responseLength) =>
        HandleBindingRequest(request, remote, response, out responseLength, out _);

    /// <summary>
    /// Validates a Binding request from <paramref name="remote"/> and writes the answer into <paramref name="response"/>
    /// (<paramref name="responseLength"/> is 0 when nothing should be sent). <paramref name="selectedRemoteChanged"/>
    /// tells the caller that <see cref="SelectedRemote"/> now points at a different path. Never throws on bad input.
    /// </summary>
    public IceCheckOutcome HandleBindingRequest(
        ReadOnlySpan<byte> request, SocketAddress remote, Span<byte> response, out int responseLength, out bool selectedRemoteChanged)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (response.Length < MaxResponseLength)
        {
            throw new ArgumentException($"The response buffer must hold {MaxResponseLength} bytes.", nameof(response));
        }

        responseLength = 0;
        selectedRemoteChanged = false;
        if (!StunMessage.TryRead(request, out var message, out int read) || read != request.Length)
        {
            return IceCheckOutcome.Dropped;
        }

        if (message.Type != StunMessageType.BindingRequest)
        {
            return IceCheckOutcome.NotBindingRequest;
        }

        // RFC 8445 §7.3 requires FINGERPRINT; a check without a valid one is not ours to answer (RFC 8489 §14.7).
        if (!message.VerifyFingerprint())
        {
            return IceCheckOutcome.Dropped;
        }

        // RFC 8489 §9.1.3: without USERNAME and MESSAGE-INTEGRITY a short-term request gets a 400 with no
        // MESSAGE-INTEGRITY; wrong credentials get a 401, also unauthenticated.
        if (!message.TryGetUsername(out var username) || !message.HasMessageIntegrity)
        {
            return WriteError(message, response, 400, "Bad Request"u8, authenticated: false, default, out responseLength, IceCheckOutcome.BadRequest);
        }

        if (!username.SequenceEqual(_expectedUsername) || !message.VerifyMessageIntegrity(Local.PasswordKey))
        {
            return WriteError(message, response, 401, "Unauthorized"u8, authenticated: false, default, out responseLength, IceCheckOutcome.Unauthorized);
        }

        // Authenticated from here on: every response carries MESSAGE-INTEGRITY.
        Span<ushort> unknown = stackalloc ushort[MaxUnknownAttributesReported];
        int unknownCount = CollectUnknownComprehensionRequired(message, unknown);
        if (unknownCount > 0)
        {
            return WriteError(message, response, 420, "Unknown Attribute"u8, authenticated: true, unknown[..unknownCount], out responseLength, IceCheckOutcome.UnknownAttribute);
        }

        bool hasControlling = message.TryGetAttribute(StunAttributeType.IceControlling, out var controlling);
        bool hasControlled = message.TryGetAttribute(StunAttributeType.IceControlled, out var controlled);
        bool hasUseCandidate = message.TryGetAttribute(StunAttributeType.UseCandidate, out var useCandidate);
        if (!message.TryGetPriority(out _)
            || (hasControlling && controlling.Length != 8)
            || (hasControlled && controlled.Length != 8)
            || (hasControlling && hasControlled)
            || (hasUseCandidate && !useCandidate.IsEmpty))
        {
            return WriteError(message, response, 400, "Bad Request"u8, authenticated: true, default, out responseLength, IceCheckOutcome.BadRequest);
        }

        // RFC 8445 §7.3.1.1: we are controlled and so is the sender. A full agent could compare tie-breakers and
        // switch roles; a lite agent cannot be controlling (§6.1.1), so the browser must switch: 487.
        if (hasControlled)
        {
            return WriteError(message, response, 487, "Role Conflict"u8, authenticated: true, default, out responseLength, IceCheckOutcome.RoleConflict);
        }

        var writer = new StunMessageWriter(response);
        if (!(writer.TryWriteHeader(StunMessageType.BindingSuccessResponse, message.TransactionId)
            && writer.TryWriteXorMappedAddress(remote)
            && writer.TryWriteMessageIntegrity(Local.PasswordKey)
            && writer.TryWriteFingerprint()))
        {
            // Only an address family we cannot express lands here.
            return IceCheckOutcome.Dropped;
        }

        responseLength = writer.BytesWritten;
        lock (_gate)
        {
            _lastConsent = _timeProvider.GetUtcNow();

            // The first valid check gives us a path to send on; after that only a nomination moves it
            // (RFC 8445 §8.2: a lite agent takes the nominated pair).
            if (_selectedRemote is null || (hasUseCandidate && !_selectedRemote.ContentEquals(remote)))
            {
                _selectedRemote = remote.Clone();
                selectedRemoteChanged = true;
            }

            _isNominated |= hasUseCandidate;
        }

        return IceCheckOutcome.Success;
    }

    private static int CollectUnknownComprehensionRequired(StunMessage message, Span<ushort> unknown)
    {
        int count = 0;
        foreach (var attribute in message.GetAttributes())
        {
            if (attribute.Type == StunAttributeType.MessageIntegrity)
            {
                break;
            }

            ushort type = (ushort)attribute.Type;
            if (StunMessageTypes.IsComprehensionRequired(type) && !StunMessageTypes.IsKnownAttribute(type) && count < unknown.Length)
            {
                unknown[count++] = type;
            }
        }

        return count;
    }

    private IceCheckOutcome WriteError(
        StunMessage request, Span<byte> response, int code, ReadOnlySpan<byte> reason, bool authenticated,
        ReadOnlySpan<ushort> unknownAttributes, out int responseLength, IceCheckOutcome outcome)
    {
        var writer = new StunMessageWriter(response);
        bool ok = writer.TryWriteHeader(StunMessageType.BindingErrorResponse, request.TransactionId)
            && writer.TryWriteErrorCode(code, reason)
            && (unknownAttributes.IsEmpty || writer.TryWriteUnknownAttributes(unknownAttributes))
            && (!authenticated || writer.TryWriteMessageIntegrity(Local.PasswordKey))
            && writer.TryWriteFingerprint();
        responseLength = ok ? writer.BytesWritten : 0;
        return outcome;
    }
}
