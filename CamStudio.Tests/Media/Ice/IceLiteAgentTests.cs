using System.Net;
using System.Text;
using CamStudio.Media.Ice;
using CamStudio.Media.Stun;
using CamStudio.Tests.Media.Stun;

namespace CamStudio.Tests.Media.Ice;

public class IceLiteAgentTests
{
    private const string RemoteUfrag = "brws";
    private static readonly IPEndPoint s_remote = new(IPAddress.Parse("192.0.2.7"), 40000);

    private readonly ManualTimeProvider _time = new();
    private readonly IceCredentials _local = IceCredentials.CreateRandom();
    private readonly IceLiteAgent _agent;
    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseLength];

    public IceLiteAgentTests() => _agent = new IceLiteAgent(_local, RemoteUfrag, _time);

    private string Username => _local.Ufrag + ":" + RemoteUfrag;

    [Fact]
    public void ValidCheck_IsAnsweredWithXorMappedAddressOfTheSender()
    {
        byte[] request = BindingRequests.Create(Username, _local.Password);

        var outcome = _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length);

        outcome.Should().Be(IceCheckOutcome.Success);
        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out int read).Should().BeTrue();
        read.Should().Be(length);
        response.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        response.TransactionId.ToArray().Should().Equal(request.AsSpan(8, 12).ToArray());
        response.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(s_remote);
        response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(_local.Password)).Should().BeTrue();
        response.VerifyFingerprint().Should().BeTrue();
        _agent.SelectedRemote!.ToIPEndPoint().Should().Be(s_remote);
        _agent.IsNominated.Should().BeFalse();
        _agent.LastConsent.Should().Be(_time.GetUtcNow());
    }

    [Fact]
    public void ValidCheck_FromIPv6_MapsTheIPv6Address()
    {
        var remote = new IPEndPoint(IPAddress.Parse("2001:db8::42"), 50123);
        byte[] request = BindingRequests.Create(Username, _local.Password);

        _agent.HandleBindingRequest(request, remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.Success);

        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(remote);
    }

    [Fact]
    public void Rfc5769_2_1_SampleRequest_ClaimsIceControlled_AndGets487()
    {
        // The RFC sample is a check from a controlled agent; a lite agent cannot take the controlling role.
        var agent = new IceLiteAgent(new IceCredentials("evtj", Rfc5769Vectors.Password), "h6vY", _time);

        var outcome = agent.HandleBindingRequest(Rfc5769Vectors.SampleRequest, s_remote.Serialize(), _response, out int length);

        outcome.Should().Be(IceCheckOutcome.RoleConflict);
        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.Type.Should().Be(StunMessageType.BindingErrorResponse);
        response.TransactionId.ToArray().Should().Equal(Rfc5769Vectors.TransactionId);
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(487);
        response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(Rfc5769Vectors.Password)).Should().BeTrue();
        response.VerifyFingerprint().Should().BeTrue();
        agent.SelectedRemote.Should().BeNull();
    }

    [Theory]
    [InlineData("wrongUfrag:brws", false)]
    [InlineData("{local}:other", false)]
    [InlineData("{local}:brws", true)]
    public void BadCredentials_Get401_AndNoSuccess(string username, bool wrongPassword)
    {
        string password = wrongPassword ? "AAAAAAAAAAAAAAAAAAAAAAAA" : _local.Password;
        byte[] request = BindingRequests.Create(username.Replace("{local}", _local.Ufrag, StringComparison.Ordinal), password);

        var outcome = _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length);

        outcome.Should().Be(IceCheckOutcome.Unauthorized);
        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(401);
        response.HasMessageIntegrity.Should().BeFalse("RFC 8489 §9.1.3: a 401 cannot be authenticated");
        _agent.SelectedRemote.Should().BeNull();
        _agent.LastConsent.Should().Be(_time.GetUtcNow());
    }

    [Fact]
    public void MissingPriority_AfterIntegrityPasses_Gets400WithIntegrity()
    {
        byte[] request = BindingRequests.Create(Username, _local.Password, priority: false);

        _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.BadRequest);

        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(400);
        response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(_local.Password)).Should().BeTrue();
        _agent.SelectedRemote.Should().BeNull();
    }

    [Fact]
    public void MissingMessageIntegrity_Gets400WithoutIntegrity()
    {
        byte[] request = BindingRequests.Create(Username, _local.Password, integrity: false);

        _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.BadRequest);

        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.HasMessageIntegrity.Should().BeFalse();
        response.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void ClaimingIceControlled_Gets487()
    {
        byte[] request = BindingRequests.Create(Username, _local.Password, controlling: false, controlled: true);

        _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.RoleConflict);

        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(487);
    }

    [Fact]
    public void UnknownComprehensionRequiredAttribute_Gets420ListingIt()
    {
        byte[] request = BindingRequests.Create(Username, _local.Password, extraAttribute: 0x0077);

        _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.UnknownAttribute);

        StunMessage.TryRead(_response.AsSpan(0, length), out var response, out _).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be(420);
        response.TryGetAttribute(StunAttributeType.UnknownAttributes, out var unknown).Should().BeTrue();
        unknown.ToArray().Should().Equal(0x00, 0x77);
    }

    [Fact]
    public void UnknownComprehensionOptionalAttribute_IsIgnored()
    {
        // Chrome adds GOOG-NETWORK-INFO (0xC057) to its checks.
        byte[] request = BindingRequests.Create(Username, _local.Password, extraAttribute: 0xC057);

        _agent.HandleBindingRequest(request, s_remote.Serialize(), _response, out _).Should().Be(IceCheckOutcome.Success);
    }

    [Fact]
    public void MissingOrBrokenFingerprint_IsDroppedWithoutAnswer()
    {
        byte[] noFingerprint = BindingRequests.Create(Username, _local.Password, fingerprint: false);
        byte[] broken = BindingRequests.Create(Username, _local.Password);
        broken[^1] ^= 0xFF;

        _agent.HandleBindingRequest(noFingerprint, s_remote.Serialize(), _response, out int length1).Should().Be(IceCheckOutcome.Dropped);
        _agent.HandleBindingRequest(broken, s_remote.Serialize(), _response, out int length2).Should().Be(IceCheckOutcome.Dropped);
        length1.Should().Be(0);
        length2.Should().Be(0);
    }

    [Fact]
    public void NonRequests_AreNotAnswered()
    {
        byte[] indication = BindingRequests.Create(Username, _local.Password, type: StunMessageType.BindingIndication);

        _agent.HandleBindingRequest(indication, s_remote.Serialize(), _response, out int length).Should().Be(IceCheckOutcome.NotBindingRequest);
        length.Should().Be(0);
        _agent.HandleBindingRequest([22, 254, 253, 0], s_remote.Serialize(), _response, out _).Should().Be(IceCheckOutcome.Dropped);
    }

    [Fact]
    public void UseCandidate_Nominates_AndMovesTheSelectedPath()
    {
        var first = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1000);
        var second = new IPEndPoint(IPAddress.Parse("192.0.2.2"), 2000);
        var third = new IPEndPoint(IPAddress.Parse("192.0.2.3"), 3000);

        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password), first.Serialize(), _response, out _, out bool changed1)
            .Should().Be(IceCheckOutcome.Success);
        changed1.Should().BeTrue("the first valid check gives us a path");
        _agent.IsNominated.Should().BeFalse();

        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password, useCandidate: true), second.Serialize(), _response, out _, out bool changed2)
            .Should().Be(IceCheckOutcome.Success);
        changed2.Should().BeTrue();
        _agent.IsNominated.Should().BeTrue();
        _agent.SelectedRemote!.ToIPEndPoint().Should().Be(second);

        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password), third.Serialize(), _response, out _, out bool changed3)
            .Should().Be(IceCheckOutcome.Success);
        changed3.Should().BeFalse("only a nomination moves the path");
        _agent.SelectedRemote!.ToIPEndPoint().Should().Be(second);

        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password, useCandidate: true), second.Serialize(), _response, out _, out bool changed4)
            .Should().Be(IceCheckOutcome.Success);
        changed4.Should().BeFalse("the same path again is no change");
    }

    [Fact]
    public void SelectedRemote_IsACopy_NotTheCallersBuffer()
    {
        var address = s_remote.Serialize();
        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password), address, _response, out _).Should().Be(IceCheckOutcome.Success);

        new IPEndPoint(IPAddress.Loopback, 9).Serialize().Buffer.Span.CopyTo(address.Buffer.Span);

        _agent.SelectedRemote!.ToIPEndPoint().Should().Be(s_remote);
    }

    [Fact]
    public void Consent_ExpiresAfterTimeout_AndValidChecksRefreshIt()
    {
        var timeout = TimeSpan.FromSeconds(30);
        _agent.IsConsentExpired(timeout).Should().BeFalse();

        _time.Advance(TimeSpan.FromSeconds(20));
        _agent.HandleBindingRequest(BindingRequests.Create(Username, _local.Password), s_remote.Serialize(), _response, out _).Should().Be(IceCheckOutcome.Success);
        _time.Advance(TimeSpan.FromSeconds(20));
        _agent.IsConsentExpired(timeout).Should().BeFalse("the check 20 s ago refreshed consent");

        // A failed check does not count as consent (RFC 7675 §5.1).
        _agent.HandleBindingRequest(BindingRequests.Create(Username, "AAAAAAAAAAAAAAAAAAAAAAAA"), s_remote.Serialize(), _response, out _)
            .Should().Be(IceCheckOutcome.Unauthorized);
        _time.Advance(TimeSpan.FromSeconds(11));
        _agent.IsConsentExpired(timeout).Should().BeTrue();
    }

    [Fact]
    public void RandomInput_NeverThrows()
    {
        var random = new Random(8445);
        byte[] valid = BindingRequests.Create(Username, _local.Password, useCandidate: true);
        var remote = s_remote.Serialize();
        for (int i = 0; i < 5_000; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = new byte[random.Next(0, 200)];
                random.NextBytes(data);
            }
            else
            {
                data = (byte[])valid.Clone();
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
            }

            var outcome = _agent.HandleBindingRequest(data, remote, _response, out int length);
            length.Should().BeInRange(0, IceLiteAgent.MaxResponseLength);
            outcome.Should().NotBe(IceCheckOutcome.Success, "a flipped bit must break FINGERPRINT or MESSAGE-INTEGRITY");
        }
    }
}
