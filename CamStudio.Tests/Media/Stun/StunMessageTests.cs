using System.Net;
using System.Text;
using CamStudio.Media.Stun;

namespace CamStudio.Tests.Media.Stun;

public class StunMessageTests
{
    private static readonly byte[] s_shortTermKey = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Fact]
    public void Rfc5769_2_1_SampleRequest_ParsesAndVerifies()
    {
        byte[] data = Rfc5769Vectors.SampleRequest;

        StunMessage.TryRead(data, out var message, out int read).Should().BeTrue();

        read.Should().Be(data.Length);
        message.Type.Should().Be(StunMessageType.BindingRequest);
        message.Class.Should().Be(StunMessageClass.Request);
        message.Method.Should().Be(1);
        message.TransactionId.ToArray().Should().Equal(Rfc5769Vectors.TransactionId);
        message.TryGetSoftware(out var software).Should().BeTrue();
        Encoding.UTF8.GetString(software).Should().Be("STUN test client");
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.UTF8.GetString(username).Should().Be("evtj:h6vY");
        message.TryGetPriority(out uint priority).Should().BeTrue();
        priority.Should().Be(0x6e0001ff);
        message.TryGetIceControlled(out ulong tieBreaker).Should().BeTrue();
        tieBreaker.Should().Be(0x932ff9b151263b36);
        message.TryGetIceControlling(out _).Should().BeFalse();
        message.HasUseCandidate.Should().BeFalse();
        message.VerifyMessageIntegrity(s_shortTermKey).Should().BeTrue();
        message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8).Should().BeFalse();
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void Rfc5769_2_1_SampleRequest_ReserialisesByteExact()
    {
        // The RFC pads USERNAME with spaces (any padding is legal), so the writer is told to do the same.
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);

        bool ok = writer.TryWriteHeader(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId)
            && writer.TryWriteAttribute(StunAttributeType.Software, "STUN test client"u8)
            && writer.TryWriteUInt32Attribute(StunAttributeType.Priority, 0x6e0001ff)
            && writer.TryWriteUInt64Attribute(StunAttributeType.IceControlled, 0x932ff9b151263b36)
            && writer.TryWriteAttribute(StunAttributeType.Username, "evtj:h6vY"u8, padding: 0x20)
            && writer.TryWriteMessageIntegrity(s_shortTermKey)
            && writer.TryWriteFingerprint();

        ok.Should().BeTrue();
        writer.WrittenSpan.ToArray().Should().Equal(Rfc5769Vectors.SampleRequest);
    }

    [Fact]
    public void Rfc5769_2_2_SampleIPv4Response_ParsesVerifiesAndReserialises()
    {
        byte[] data = Rfc5769Vectors.SampleIPv4Response;

        StunMessage.TryRead(data, out var message, out _).Should().BeTrue();
        message.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        message.Class.Should().Be(StunMessageClass.SuccessResponse);
        message.TryGetSoftware(out var software).Should().BeTrue();
        Encoding.UTF8.GetString(software).Should().Be("test vector");
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        message.VerifyMessageIntegrity(s_shortTermKey).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();

        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        (writer.TryWriteHeader(StunMessageType.BindingSuccessResponse, Rfc5769Vectors.TransactionId)
            && writer.TryWriteAttribute(StunAttributeType.Software, "test vector"u8, padding: 0x20)
            && writer.TryWriteXorMappedAddress(IPAddress.Parse("192.0.2.1"), 32853)
            && writer.TryWriteMessageIntegrity(s_shortTermKey)
            && writer.TryWriteFingerprint()).Should().BeTrue();
        writer.WrittenSpan.ToArray().Should().Equal(data);
    }

    [Fact]
    public void Rfc5769_2_3_SampleIPv6Response_ParsesVerifiesAndReserialises()
    {
        byte[] data = Rfc5769Vectors.SampleIPv6Response;
        var expected = new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);

        StunMessage.TryRead(data, out var message, out _).Should().BeTrue();
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(expected);
        message.VerifyMessageIntegrity(s_shortTermKey).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();

        // Also through the SocketAddress path the UDP mux uses.
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        (writer.TryWriteHeader(StunMessageType.BindingSuccessResponse, Rfc5769Vectors.TransactionId)
            && writer.TryWriteAttribute(StunAttributeType.Software, "test vector"u8, padding: 0x20)
            && writer.TryWriteXorMappedAddress(expected.Serialize())
            && writer.TryWriteMessageIntegrity(s_shortTermKey)
            && writer.TryWriteFingerprint()).Should().BeTrue();
        writer.WrittenSpan.ToArray().Should().Equal(data);
    }

    [Fact]
    public void Rfc5769_2_4_LongTermRequest_ParsesVerifiesAndReserialises()
    {
        byte[] data = Rfc5769Vectors.SampleLongTermRequest;
        byte[] key = StunCredentials.GetLongTermKey(Rfc5769Vectors.LongTermUsername, Rfc5769Vectors.LongTermRealm, Rfc5769Vectors.LongTermPassword);

        StunMessage.TryRead(data, out var message, out _).Should().BeTrue();
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.UTF8.GetString(username).Should().Be(Rfc5769Vectors.LongTermUsername);
        message.TryGetAttribute(StunAttributeType.Nonce, out var nonce).Should().BeTrue();
        Encoding.UTF8.GetString(nonce).Should().Be(Rfc5769Vectors.LongTermNonce);
        message.TryGetAttribute(StunAttributeType.Realm, out var realm).Should().BeTrue();
        Encoding.UTF8.GetString(realm).Should().Be(Rfc5769Vectors.LongTermRealm);
        message.VerifyMessageIntegrity(key).Should().BeTrue();
        message.VerifyMessageIntegrity(StunCredentials.GetLongTermKey(Rfc5769Vectors.LongTermUsername, Rfc5769Vectors.LongTermRealm, "thematrix"))
            .Should().BeFalse();

        // §2.4 carries no FINGERPRINT, so there is nothing to verify.
        message.HasFingerprint.Should().BeFalse();
        message.VerifyFingerprint().Should().BeFalse();

        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        (writer.TryWriteHeader(StunMessageType.BindingRequest, data.AsSpan(8, 12))
            && writer.TryWriteAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(Rfc5769Vectors.LongTermUsername))
            && writer.TryWriteAttribute(StunAttributeType.Nonce, Encoding.UTF8.GetBytes(Rfc5769Vectors.LongTermNonce))
            && writer.TryWriteAttribute(StunAttributeType.Realm, Encoding.UTF8.GetBytes(Rfc5769Vectors.LongTermRealm))
            && writer.TryWriteMessageIntegrity(key)).Should().BeTrue();
        writer.WrittenSpan.ToArray().Should().Equal(data);
    }

    [Theory]
    [InlineData(30)] // inside SOFTWARE
    [InlineData(45)] // inside PRIORITY
    [InlineData(9)] // transaction id
    public void FlippedBit_FailsIntegrityAndFingerprint(int index)
    {
        byte[] data = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        data[index] ^= 0x01;

        StunMessage.TryRead(data, out var message, out _).Should().BeTrue();
        message.VerifyMessageIntegrity(s_shortTermKey).Should().BeFalse();
        message.VerifyFingerprint().Should().BeFalse();
    }

    [Fact]
    public void ErrorCode_RoundTrips()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);
        (writer.TryWriteHeader(StunMessageType.BindingErrorResponse, Rfc5769Vectors.TransactionId)
            && writer.TryWriteErrorCode(487, "Role Conflict"u8)
            && writer.TryWriteFingerprint()).Should().BeTrue();

        StunMessage.TryRead(writer.WrittenSpan, out var message, out _).Should().BeTrue();
        message.Class.Should().Be(StunMessageClass.ErrorResponse);
        message.TryGetErrorCode(out int code, out var reason).Should().BeTrue();
        code.Should().Be(487);
        Encoding.UTF8.GetString(reason).Should().Be("Role Conflict");
        message.VerifyFingerprint().Should().BeTrue();
        message.HasMessageIntegrity.Should().BeFalse();
    }

    [Fact]
    public void Writer_ReturnsFalse_WhenBufferTooSmall_OrOutOfOrder()
    {
        var small = new byte[24];
        var writer = new StunMessageWriter(small);
        writer.TryWriteAttribute(StunAttributeType.Software, "x"u8).Should().BeFalse("the header comes first");
        writer.TryWriteHeader(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId).Should().BeTrue();
        writer.TryWriteAttribute(StunAttributeType.Software, "too long"u8).Should().BeFalse();
        writer.BytesWritten.Should().Be(20);
        writer.TryWriteAttribute(StunAttributeType.UseCandidate, default).Should().BeTrue();
        writer.TryWriteHeader(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId).Should().BeFalse();

        var buffer = new byte[64];
        var sealedWriter = new StunMessageWriter(buffer);
        sealedWriter.TryWriteHeader(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId).Should().BeTrue();
        sealedWriter.TryWriteFingerprint().Should().BeTrue();
        sealedWriter.TryWriteAttribute(StunAttributeType.Software, "x"u8).Should().BeFalse("FINGERPRINT is last");
    }

    [Fact]
    public void AttributesAfterMessageIntegrity_AreIgnored()
    {
        // RFC 8489 §14.5: nothing after MESSAGE-INTEGRITY (but FINGERPRINT) is covered, so it must not be trusted.
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);
        (writer.TryWriteHeader(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId)
            && writer.TryWriteMessageIntegrity(s_shortTermKey)
            && writer.TryWriteAttribute(StunAttributeType.UseCandidate, default)
            && writer.TryWriteFingerprint()).Should().BeTrue();

        StunMessage.TryRead(writer.WrittenSpan, out var message, out _).Should().BeTrue();
        message.HasUseCandidate.Should().BeFalse();
        message.VerifyMessageIntegrity(s_shortTermKey).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();
        int count = 0;
        foreach (var attribute in message.GetAttributes())
        {
            count++;
        }

        count.Should().Be(3, "the enumerator still shows every attribute on the wire");
    }

    [Fact]
    public void TryRead_RejectsMalformedFraming()
    {
        byte[] good = Rfc5769Vectors.SampleRequest;
        StunMessage.TryRead(good.AsSpan(0, 19), out _, out _).Should().BeFalse("shorter than a header");
        StunMessage.TryRead(good.AsSpan(0, good.Length - 4), out _, out _).Should().BeFalse("length field beyond the data");
        StunMessage.TryRead(Mutate(good, b => b[0] |= 0x40), out _, out _).Should().BeFalse("top bits must be zero");
        StunMessage.TryRead(Mutate(good, b => b[5] ^= 1), out _, out _).Should().BeFalse("magic cookie");
        StunMessage.TryRead(Mutate(good, b => b[3] = 0x57), out _, out _).Should().BeFalse("length not a multiple of 4");
        StunMessage.TryRead(Mutate(good, b => b[23] = 0x40), out _, out _).Should().BeFalse("attribute overruns the message");
        StunMessage.TryRead(Mutate(good, b => b[0x4F] = 0x10), out _, out _).Should().BeFalse("MESSAGE-INTEGRITY must be 20 bytes");

        // Something after FINGERPRINT.
        byte[] extended = [.. good, 0x00, 0x25, 0x00, 0x00];
        extended[3] += 4;
        StunMessage.TryRead(extended, out _, out _).Should().BeFalse();

        // Trailing bytes beyond the length field are not part of the message.
        byte[] trailing = [.. good, 1, 2, 3];
        StunMessage.TryRead(trailing, out _, out int read).Should().BeTrue();
        read.Should().Be(good.Length);
    }

    [Fact]
    public void StunClassifier_AcceptsOnlyWholeStunDatagrams()
    {
        StunClassifier.IsStun(Rfc5769Vectors.SampleRequest).Should().BeTrue();
        StunClassifier.IsStun(Rfc5769Vectors.SampleLongTermRequest).Should().BeTrue();
        StunClassifier.IsStun([.. Rfc5769Vectors.SampleRequest, 0]).Should().BeFalse();
        StunClassifier.IsStun(Mutate(Rfc5769Vectors.SampleRequest, b => b[0] = 22)).Should().BeFalse();
        StunClassifier.IsStun(Mutate(Rfc5769Vectors.SampleRequest, b => b[4] = 0)).Should().BeFalse();
        StunClassifier.IsStun(new byte[19]).Should().BeFalse();
    }

    [Fact]
    public void MessageTypeHelpers_SplitMethodAndClass()
    {
        // RFC 8489 §5: Binding error response 0x0111 is method 1, class 0b11; 0x3EEF has every method bit set.
        StunMessageTypes.GetMethod(0x0111).Should().Be(1);
        StunMessageTypes.GetClass(0x0111).Should().Be(StunMessageClass.ErrorResponse);
        StunMessageTypes.GetClass(0x0011).Should().Be(StunMessageClass.Indication);
        StunMessageTypes.GetMethod(0x3EEF).Should().Be(0xFFF);
    }

    private static byte[] Mutate(byte[] source, Action<byte[]> change)
    {
        byte[] copy = (byte[])source.Clone();
        change(copy);
        return copy;
    }
}
