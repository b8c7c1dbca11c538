using CamStudio.Media.Srtp;
using static CamStudio.Tests.Media.Srtp.SrtpTestData;

namespace CamStudio.Tests.Media.Srtp;

public class SrtpAllocationTests
{
    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void ProtectAndUnprotect_DoNotAllocatePerPacket(SrtpProfile profile)
    {
        // The hot path runs for every packet to every viewer; it must not feed the GC.
        var key = new byte[16];
        var salt = new byte[SrtpProfileInfo.MasterSaltLength(profile)];
        using var sender = new SrtpContext(profile, key, salt);
        using var receiver = new SrtpContext(profile, key, salt);
        byte[] plain = RtpPacket(0x01020304, 0, 1188);
        byte[] rtcp = RtcpReceiverReport(0x01020304);
        var buffer = new byte[1500];

        int accepted = 0;
        void RoundTrip(int i)
        {
            plain.CopyTo(buffer, 0);
            buffer[2] = (byte)(i >> 8);
            buffer[3] = (byte)i;
            sender.TryProtectRtp(buffer, plain.Length, out int length);
            bool rtpOk = receiver.TryUnprotectRtp(buffer, length, out _);
            rtcp.CopyTo(buffer, 0);
            sender.TryProtectRtcp(buffer, rtcp.Length, out length);
            if (rtpOk && receiver.TryUnprotectRtcp(buffer, length, out _))
            {
                accepted++;
            }
        }

        RoundTrip(0); // first sight of the SSRC allocates its state; warm up the JIT too
        RoundTrip(1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2; i < 1_002; i++)
        {
            RoundTrip(i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // A per-packet allocation would cost at least 24 bytes x 4,000 operations = 96 KB; the runtime may allocate a
        // few hundred bytes once on this thread while tiered JIT swaps in optimised code, which is not per packet.
        allocated.Should().BeLessThan(1024, "protect and unprotect must not allocate per packet");
        accepted.Should().Be(1_002, "every RTP and RTCP packet round-tripped");
    }
}
