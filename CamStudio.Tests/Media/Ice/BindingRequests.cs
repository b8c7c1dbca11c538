using System.Security.Cryptography;
using System.Text;
using CamStudio.Media.Stun;

namespace CamStudio.Tests.Media.Ice;

/// <summary>Builds the Binding requests a browser (controlling full ICE agent) sends to us.</summary>
internal static class BindingRequests
{
    public const uint BrowserPriority = 0x6e0001ff;

    public static byte[] Create(
        string username,
        string password,
        bool priority = true,
        bool useCandidate = false,
        bool controlling = true,
        bool controlled = false,
        bool integrity = true,
        bool fingerprint = true,
        ushort? extraAttribute = null,
        StunMessageType type = StunMessageType.BindingRequest,
        byte[]? transactionId = null)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer);
        bool ok = writer.TryWriteHeader(type, transactionId ?? RandomNumberGenerator.GetBytes(12))
            && writer.TryWriteAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(username))
            && (!priority || writer.TryWriteUInt32Attribute(StunAttributeType.Priority, BrowserPriority))
            && (!controlling || writer.TryWriteUInt64Attribute(StunAttributeType.IceControlling, 0x0123456789ABCDEF))
            && (!controlled || writer.TryWriteUInt64Attribute(StunAttributeType.IceControlled, 0x0123456789ABCDEF))
            && (!useCandidate || writer.TryWriteAttribute(StunAttributeType.UseCandidate, default))
            && (extraAttribute is null || writer.TryWriteAttribute((StunAttributeType)extraAttribute.Value, "abcd"u8))
            && (!integrity || writer.TryWriteMessageIntegrity(Encoding.UTF8.GetBytes(password)))
            && (!fingerprint || writer.TryWriteFingerprint());
        if (!ok)
        {
            throw new InvalidOperationException("test request did not fit");
        }

        return writer.WrittenSpan.ToArray();
    }
}
