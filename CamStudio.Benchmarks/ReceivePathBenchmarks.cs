using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using CamStudio.Benchmarks.Harness;
using CamStudio.Media.Ice;
using CamStudio.Media.Rtcp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Stun;

namespace CamStudio.Benchmarks;

/// <summary>
/// What a viewer's browser sends us, parsed the way UdpMux and ViewerSession do: an ICE consent check (a STUN Binding
/// request with MESSAGE-INTEGRITY and FINGERPRINT, answered with a signed success response), and an RTCP compound
/// receiver report + generic NACK.
/// </summary>
[MemoryDiagnoser]
public class ReceivePathBenchmarks
{
    private const string BrowserUfrag = "bnch";
    private const uint MediaSsrc = 0x5000_0000;
    private const uint BrowserSsrc = 0x0BAD_CAFE;

    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseLength];
    private readonly CountingHandler _handler = new();
    private IceLiteAgent _ice = null!;
    private byte[] _bindingRequest = [];
    private SocketAddress _remote = null!;
    private byte[] _compound = [];

    [GlobalSetup]
    public void Setup()
    {
        var local = new IceCredentials("benchufrag", "benchmarkicepassword1234");
        _ice = new IceLiteAgent(local, BrowserUfrag, TimeProvider.System);
        _remote = new IPEndPoint(IPAddress.Loopback, 50_000).Serialize();

        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer);
        bool ok = writer.TryWriteHeader(StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12))
            && writer.TryWriteAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(local.Ufrag + ":" + BrowserUfrag))
            && writer.TryWriteUInt32Attribute(StunAttributeType.Priority, 0x6e0001ff)
            && writer.TryWriteUInt64Attribute(StunAttributeType.IceControlling, 0x0123456789ABCDEF)
            && writer.TryWriteMessageIntegrity(Encoding.UTF8.GetBytes(local.Password))
            && writer.TryWriteFingerprint();
        _bindingRequest = ok ? writer.WrittenSpan.ToArray() : throw new InvalidOperationException("Binding request did not fit.");
        if (StunBindingRequest() != (int)IceCheckOutcome.Success)
        {
            throw new InvalidOperationException("The benchmark's Binding request was not accepted.");
        }

        _compound = RtcpReceiverReportWithNack(BrowserSsrc, MediaSsrc);
        if (!RtcpCompoundReader.TryRead(_compound, _handler) || _handler.Nacked != 3)
        {
            throw new InvalidOperationException("The benchmark's RTCP compound was not read as RR + NACK(3).");
        }
    }

    [Benchmark(Description = "IceLiteAgent.HandleBindingRequest (verify + signed answer)")]
    public int StunBindingRequest() =>
        (int)_ice.HandleBindingRequest(_bindingRequest, _remote, _response, out _, out _);

    [Benchmark(Description = "RtcpCompoundReader.TryRead (RR + NACK)")]
    public bool RtcpReceiverReportAndNack() => RtcpCompoundReader.TryRead(_compound, _handler);

    /// <summary>RFC 3550 §6.4.2 RR with one report block, then RFC 4585 §6.2.1 generic NACK: PID 1000, BLP 0b101 (1001, 1003).</summary>
    internal static byte[] RtcpReceiverReportWithNack(uint senderSsrc, uint mediaSsrc)
    {
        var packet = new byte[32 + 16];
        Span<byte> rr = packet.AsSpan(0, 32);
        rr[0] = 0x81;   // V=2, RC=1
        rr[1] = 201;    // RR
        BinaryPrimitives.WriteUInt16BigEndian(rr[2..], 7);
        BinaryPrimitives.WriteUInt32BigEndian(rr[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(rr[8..], mediaSsrc);
        rr[12] = 3;                                                  // fraction lost
        BinaryPrimitives.WriteUInt32BigEndian(rr[16..], 0x0001_0400); // extended highest sequence
        BinaryPrimitives.WriteUInt32BigEndian(rr[20..], 12);          // jitter
        BinaryPrimitives.WriteUInt32BigEndian(rr[24..], 0x1234_5678); // LSR
        BinaryPrimitives.WriteUInt32BigEndian(rr[28..], 0x0000_2000); // DLSR

        Span<byte> nack = packet.AsSpan(32, 16);
        nack[0] = 0x81; // V=2, FMT=1 (generic NACK)
        nack[1] = 205;  // RTPFB
        BinaryPrimitives.WriteUInt16BigEndian(nack[2..], 3);
        BinaryPrimitives.WriteUInt32BigEndian(nack[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(nack[8..], mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(nack[12..], 1000);
        BinaryPrimitives.WriteUInt16BigEndian(nack[14..], 0b101);
        return packet;
    }

    private sealed class CountingHandler : IRtcpFeedbackHandler
    {
        public int Reports { get; private set; }

        public int Nacked { get; private set; }

        public void OnReceiverReport(in RtcpReportBlock block) => Reports++;

        public void OnNack(uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers) => Nacked += lostSequenceNumbers.Length;

        public void OnPictureLossIndication(uint mediaSsrc)
        {
        }

        public void OnBye()
        {
        }
    }
}

/// <summary>
/// SRTCP from the browser: SrtpContext.TryUnprotectRtcp of the 48-byte RR + NACK compound. The replay window rejects a
/// packet seen before, so each operation first protects a fresh copy (next SRTCP index) with the browser's context;
/// the unprotect cost is the round trip minus the protect-only row.
/// </summary>
[MemoryDiagnoser]
public class SrtcpBenchmarks
{
    private readonly byte[] _buffer = new byte[RtpPackets.BufferLength];
    private byte[] _plain = [];
    private SrtpContext _browser = null!;
    private SrtpContext _server = null!;

    [Params(SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80)]
    public SrtpProfile Profile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = ReceivePathBenchmarks.RtcpReceiverReportWithNack(0x0BAD_CAFE, 0x5000_0000);
        _browser = RtpPackets.CreateContext(Profile, 7);
        _server = RtpPackets.CreateContext(Profile, 7);
        if (!ProtectThenUnprotect())
        {
            throw new InvalidOperationException("SRTCP round trip failed.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _browser.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TryProtectRtcp (browser side)")]
    public int ProtectOnly()
    {
        _plain.CopyTo(_buffer, 0);
        _browser.TryProtectRtcp(_buffer, _plain.Length, out int length);
        return length;
    }

    [Benchmark(Description = "TryProtectRtcp + TryUnprotectRtcp")]
    public bool ProtectThenUnprotect()
    {
        _plain.CopyTo(_buffer, 0);
        _browser.TryProtectRtcp(_buffer, _plain.Length, out int length);
        return _server.TryUnprotectRtcp(_buffer, length, out _);
    }
}
