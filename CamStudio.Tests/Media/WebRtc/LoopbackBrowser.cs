using System.Net;
using System.Net.Sockets;
using CamStudio.Benchmarks.Harness;
using CamStudio.Media.Audio;
using CamStudio.Media.Dtls;
using CamStudio.Media.Rtp;
using CamStudio.Media.Srtp;
using CamStudio.Media.Video;
using CamStudio.Media.WebRtc;
using CamStudio.Tests.Media.Dtls;
using CamStudio.Tests.Media.Ice;
using CamStudio.Tests.Media.Sdp;
using Org.BouncyCastle.Tls;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// A browser stand-in on a 127.0.0.1 UDP socket for a real <see cref="WebRtcServer"/>: the ICE check, the DTLS-SRTP
/// handshake by BouncyCastle's client (as a browser would), then reading the server's SRTP/SRTCP with the browser's keys.
/// </summary>
internal static class LoopbackBrowser
{
    public const string BrowserUfrag = "Fz3b";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Creates a session for <paramref name="video"/> (and <paramref name="audio"/>) and connects it.</summary>
    public static async Task<(ViewerSession Session, SrtpContext BrowserIn)> ConnectAsync(
        WebRtcServer server, Socket client, IVideoStreamSource video, IAudioStreamSource? audio = null)
    {
        string offer = SdpFixtures.Chrome120AudioVideoData.Replace(SdpFixtures.ChromeFingerprint, DtlsLoopback.ClientCertificate.Fingerprint, StringComparison.Ordinal);
        ViewerSessionResult result = server.CreateSession(offer, video, audio, "loopback");
        ViewerSession session = result.Session ?? throw new InvalidOperationException(result.Error);
        EndPoint endPoint = server.LocalEndPoint!;
        client.SendTo(BindingRequests.Create(session.Ice.Local.Ufrag + ":" + BrowserUfrag, session.Ice.Local.Password, useCandidate: true), endPoint);
        await WaitAsync(() => session.RemoteEndPoint is not null, "ICE check");

        var dtls = new TestDtlsClient(DtlsLoopback.ClientCertificate, server.Certificate.Fingerprint, DtlsSrtpProfiles.Aes128CmHmacSha1_80);
        await Task.Run(() => new DtlsClientProtocol().Connect(dtls, new UdpDtlsTransport(client, endPoint)));
        await WaitAsync(() => session.State == ViewerSessionState.Connected, "DTLS-SRTP");
        DtlsSrtpKeys keys = DtlsSrtpProfiles.Split(DtlsSrtpProfiles.Aes128CmHmacSha1_80, dtls.ExportedKeyingMaterial);
        return (session, new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, keys.ServerMasterKey, keys.ServerMasterSalt));
    }

    /// <summary>
    /// Reads from the server until <paramref name="done"/> or the deadline. RTP is handed over as the wire bytes and,
    /// when <paramref name="browser"/> accepts it (a retransmission is a replay to it), the parsed plaintext; RTCP as
    /// parsed sender reports.
    /// </summary>
    public static void ReceiveUntil(Socket client, SrtpContext browser, Func<bool> done,
        Action<byte[], RtpHeader?, byte[]?>? rtp = null, Action<(uint Ssrc, ulong Ntp, uint Rtp, uint Packets, uint Octets)>? rtcp = null)
    {
        var buffer = new byte[2048];
        long deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!done())
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0 || !client.Poll(TimeSpan.FromMilliseconds(left), SelectMode.SelectRead))
            {
                throw new TimeoutException("The server did not send what the test waited for.");
            }

            int length = client.Receive(buffer);
            if (length < 12 || buffer[0] is < 128 or > 191)
            {
                continue; // DTLS retransmissions, STUN answers.
            }

            if (buffer[1] is >= 192 and <= 223)
            {
                if (rtcp is not null && browser.TryUnprotectRtcp(buffer, length, out int plain) && plain >= 28 && buffer[1] == 200)
                {
                    rtcp((Read32(buffer, 4), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(8)),
                        Read32(buffer, 16), Read32(buffer, 20), Read32(buffer, 24)));
                }
            }
            else if (rtp is not null)
            {
                byte[] wire = buffer.AsSpan(0, length).ToArray();
                if (browser.TryUnprotectRtp(buffer, length, out int plain) && RtpHeader.TryRead(buffer.AsSpan(0, plain), out RtpHeader header))
                {
                    rtp(wire, header, buffer.AsSpan(0, plain).ToArray());
                }
                else
                {
                    rtp(wire, null, null);
                }
            }
        }
    }

    public static async Task WaitAsync(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"No {what} within {Deadline.TotalSeconds} s.");
            }

            await Task.Delay(5);
        }
    }

    private static uint Read32(byte[] buffer, int offset) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset));
}
