using System.Buffers.Binary;
using System.Net;
using CamStudio.Media.Stun;

namespace CamStudio.Tests.Media.Stun;

public class StunParserPropertyTests
{
    private static readonly byte[][] s_seeds =
    [
        Rfc5769Vectors.SampleRequest,
        Rfc5769Vectors.SampleIPv4Response,
        Rfc5769Vectors.SampleIPv6Response,
        Rfc5769Vectors.SampleLongTermRequest,
    ];

    [Fact]
    public void RandomBytes_NeverThrow_AndAcceptedMessagesStayInBounds()
    {
        var random = new Random(5769);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] data = Generate(random, i);
            if (Exercise(data))
            {
                accepted++;
            }
        }

        // The generator must actually reach the attribute code, not only the header checks.
        accepted.Should().BeGreaterThan(1_000);
    }

    private static byte[] Generate(Random random, int iteration)
    {
        byte[] seed = s_seeds[iteration % s_seeds.Length];
        switch (iteration % 4)
        {
            case 0:
                {
                    var bytes = new byte[random.Next(0, 120)];
                    random.NextBytes(bytes);
                    return bytes;
                }

            case 1:
                return seed.AsSpan(0, random.Next(0, seed.Length + 1)).ToArray();
            case 2:
                {
                    byte[] copy = (byte[])seed.Clone();
                    for (int k = 0; k <= iteration % 5; k++)
                    {
                        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    return copy;
                }

            default:
                {
                    // A valid header over random attribute soup, so TLV walking gets exercised.
                    var body = new byte[4 * random.Next(0, 30)];
                    random.NextBytes(body);
                    var message = new byte[20 + body.Length];
                    BinaryPrimitives.WriteUInt16BigEndian(message, (ushort)random.Next(0, 0x4000));
                    BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)body.Length);
                    BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), StunMessage.MagicCookie);
                    random.NextBytes(message.AsSpan(8, 12));
                    body.CopyTo(message, 20);
                    return message;
                }
        }
    }

    private static bool Exercise(byte[] data)
    {
        _ = StunClassifier.IsStun(data);
        if (!StunMessage.TryRead(data, out var message, out int read))
        {
            return false;
        }

        read.Should().BeLessThanOrEqualTo(data.Length);
        _ = message.Type;
        _ = message.Class;
        _ = message.Method;
        _ = message.TransactionId;
        foreach (var attribute in message.GetAttributes())
        {
            attribute.Value.Length.Should().BeLessThanOrEqualTo(read);
        }

        _ = message.TryGetUsername(out _);
        _ = message.TryGetSoftware(out _);
        _ = message.TryGetPriority(out _);
        _ = message.HasUseCandidate;
        _ = message.TryGetIceControlled(out _);
        _ = message.TryGetIceControlling(out _);
        _ = message.TryGetErrorCode(out _, out _);
        _ = message.TryGetXorMappedAddress(out IPEndPoint? _);
        _ = message.VerifyMessageIntegrity("key"u8);
        _ = message.VerifyFingerprint();
        return true;
    }
}
