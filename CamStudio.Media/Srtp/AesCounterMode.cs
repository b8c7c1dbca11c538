using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CamStudio.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block j is AES_k(IV + j), with the
/// 128-bit IV treated as a big-endian integer. .NET has no CTR mode, so counter blocks are encrypted with
/// AES-ECB. <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> was
/// measured to allocate a native context per call (~64 bytes), so the ECB encryptor is created once and
/// fed from two per-instance chunk buffers. Not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    internal const int BlockSize = 16;

    // 16 blocks per EncryptEcb call: large enough to amortise the call, small enough for the stack.
    private const int BlocksPerChunk = 16;
    private const int ChunkSize = BlockSize * BlocksPerChunk;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[ChunkSize];
    private readonly byte[] _keystream = new byte[ChunkSize];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> with the keystream that starts at counter block <paramref name="iv"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        UInt128 counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
        while (!data.IsEmpty)
        {
            int bytes = Math.Min(data.Length, ChunkSize);
            int blocks = (bytes + BlockSize - 1) / BlockSize;
            for (int i = 0; i < blocks; i++)
            {
                BinaryPrimitives.WriteUInt128BigEndian(_counters.AsSpan(i * BlockSize, BlockSize), counter);
                counter++;
            }

            _ecb.TransformBlock(_counters, 0, blocks * BlockSize, _keystream, 0);
            Xor(data[..bytes], _keystream);
            data = data[bytes..];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        Array.Clear(_counters);
        Array.Clear(_keystream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int words = data.Length / sizeof(ulong);
        Span<ulong> data64 = MemoryMarshal.Cast<byte, ulong>(data[..(words * sizeof(ulong))]);
        ReadOnlySpan<ulong> key64 = MemoryMarshal.Cast<byte, ulong>(keystream[..(words * sizeof(ulong))]);
        for (int i = 0; i < data64.Length; i++)
        {
            data64[i] ^= key64[i];
        }

        for (int i = words * sizeof(ulong); i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
