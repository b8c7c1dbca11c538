using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CamStudio.Benchmarks.Harness;
using CamStudio.Media.Srtp;

namespace CamStudio.Benchmarks;

/// <summary>
/// SrtpContext.TryProtectRtp on a 1200-byte RTP packet next to the raw .NET crypto the same profile needs, so the
/// Ratio column reads "our SRTP / raw crypto" per profile. Each operation protects the buffer in place (the bytes
/// are already ciphertext after the first call; AES and HMAC cost does not depend on them) with the next
/// sequence number, so the SRTP index moves as in a live stream.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[BytesPerOperation(RtpPackets.PacketLength)]
public class SrtpProtectBenchmarks
{
    private const string CmCategory = "AES_CM_128_HMAC_SHA1_80";
    private const string GcmCategory = "AEAD_AES_128_GCM";
    private const int KeystreamBlocks = (RtpPackets.PayloadLength + 15) / 16; // 75

    private readonly byte[] _cmBuffer = new byte[RtpPackets.BufferLength];
    private readonly byte[] _gcmBuffer = new byte[RtpPackets.BufferLength];
    private readonly byte[] _rawBuffer = new byte[RtpPackets.BufferLength];
    private readonly byte[] _counters = new byte[KeystreamBlocks * 16];
    private readonly byte[] _keystream = new byte[KeystreamBlocks * 16];
    private readonly byte[] _mac = new byte[20];
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private SrtpContext _cm = null!;
    private SrtpContext _gcm = null!;
    private Aes _aes = null!;
    private ICryptoTransform _ecb = null!;
    private IncrementalHash _hmac = null!;
    private AesGcm _aesGcm = null!;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        byte[] packet = RtpPackets.CreateH264Packet();
        packet.CopyTo(_cmBuffer, 0);
        packet.CopyTo(_gcmBuffer, 0);
        packet.CopyTo(_rawBuffer, 0);
        _cm = RtpPackets.CreateContext(SrtpProfile.Aes128CmHmacSha1_80);
        _gcm = RtpPackets.CreateContext(SrtpProfile.AeadAes128Gcm);

        byte[] key = RandomNumberGenerator.GetBytes(16);
        _aes = Aes.Create();
        _aes.Key = key;
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, RandomNumberGenerator.GetBytes(20));
        _aesGcm = new AesGcm(key, 16);
        for (int i = 0; i < KeystreamBlocks; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(_counters.AsSpan(i * 16), (UInt128)i);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cm.Dispose();
        _gcm.Dispose();
        _ecb.Dispose();
        _aes.Dispose();
        _hmac.Dispose();
        _aesGcm.Dispose();
    }

    [Benchmark(Description = "SrtpContext.TryProtectRtp")]
    [BenchmarkCategory(CmCategory)]
    public int ProtectAesCm()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_cmBuffer.AsSpan(2), _sequence++);
        _cm.TryProtectRtp(_cmBuffer, RtpPackets.PacketLength, out int length);
        return length;
    }

    /// <summary>The minimum AES_CM needs: 75 counter blocks through one ECB transform, XOR, HMAC-SHA1 over packet + ROC.</summary>
    [Benchmark(Baseline = true, Description = "raw AES-CTR (ECB 75 blocks) + HMAC-SHA1")]
    [BenchmarkCategory(CmCategory)]
    public int RawAesCtrHmacSha1()
    {
        Span<byte> payload = _rawBuffer.AsSpan(RtpPackets.HeaderLength, RtpPackets.PayloadLength);
        _ecb.TransformBlock(_counters, 0, _counters.Length, _keystream, 0);
        Xor(payload, _keystream);
        _hmac.AppendData(_rawBuffer.AsSpan(0, RtpPackets.PacketLength + 4));
        _hmac.TryGetHashAndReset(_mac, out int written);
        return written;
    }

    [Benchmark(Description = "raw AES-ECB keystream only (75 blocks)")]
    [BenchmarkCategory(CmCategory)]
    public int RawAesEcbKeystream() => _ecb.TransformBlock(_counters, 0, _counters.Length, _keystream, 0);

    [Benchmark(Description = "raw HMAC-SHA1 only (1204 B)")]
    [BenchmarkCategory(CmCategory)]
    public int RawHmacSha1()
    {
        _hmac.AppendData(_rawBuffer.AsSpan(0, RtpPackets.PacketLength + 4));
        _hmac.TryGetHashAndReset(_mac, out int written);
        return written;
    }

    [Benchmark(Description = "SrtpContext.TryProtectRtp")]
    [BenchmarkCategory(GcmCategory)]
    public int ProtectAesGcm()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_gcmBuffer.AsSpan(2), _sequence++);
        _gcm.TryProtectRtp(_gcmBuffer, RtpPackets.PacketLength, out int length);
        return length;
    }

    /// <summary>.NET AesGcm.Encrypt of the same 1188-byte payload in place, the 12-byte header as AAD.</summary>
    [Benchmark(Baseline = true, Description = "raw AesGcm.Encrypt (1188 B, 12 B AAD)")]
    [BenchmarkCategory(GcmCategory)]
    public int RawAesGcm()
    {
        Span<byte> payload = _rawBuffer.AsSpan(RtpPackets.HeaderLength, RtpPackets.PayloadLength);
        _aesGcm.Encrypt(_nonce, payload, payload, _tag, _rawBuffer.AsSpan(0, RtpPackets.HeaderLength));
        return _tag[0];
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
