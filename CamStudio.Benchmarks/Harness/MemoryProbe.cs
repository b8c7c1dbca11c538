using System.Diagnostics;
using System.Globalization;
using CamStudio.Media.Dtls;
using CamStudio.Media.Srtp;
using CamStudio.Media.Video;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// `--memory-probe [N]`: what one connected viewer costs inside the server process, without a browser or the system
/// bench's noise. Connects a first set of viewers (warm-up: JIT, pools, the first DTLS handshake's one-off state), then
/// N more, and reports per added viewer the growth of RSS, of the managed heap after a full GC (and of the memory the GC keeps committed), and of the
/// process's threads; then it sends each viewer 2,000 packets (about 8 s of 720p, so a NACK history fills) and reports again, then once more after an aggressive GC.
/// </summary>
internal static class MemoryProbe
{
    private const int PacketsPerViewer = 2000;

    public static async Task RunAsync(int viewers, int warmUpViewers)
    {
        await using LoopbackViewers warmUp = await LoopbackViewers.ConnectAsync(warmUpViewers, SrtpProfile.AeadAes128Gcm);
        Send(warmUp, PacketsPerViewer);
        // The warm-up's own release (Dtls/HandshakeMemoryRelease) must not fall among the measured viewers.
        await Task.Delay(HandshakeMemoryRelease.QuietPeriod + TimeSpan.FromSeconds(1));
        ReleaseCommitted();
        Sample before = Sample.Take();
        long releasesBefore = HandshakeMemoryRelease.Shared.Releases;
        await using LoopbackViewers added = await LoopbackViewers.ConnectAsync(viewers, SrtpProfile.AeadAes128Gcm);
        Sample connected = Sample.Take();
        Send(added, PacketsPerViewer);
        Sample sending = Sample.Take();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{viewers} viewers added; per viewer, connected: {connected.PerViewer(before, viewers)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{viewers} viewers added; per viewer, after {PacketsPerViewer} packets each: {sending.PerViewer(before, viewers)}"));

        // The server's own release after a burst of handshakes (Dtls/HandshakeMemoryRelease) once they have gone quiet.
        // At most one release a minute: after the warm-up's own it may come up to a minute later.
        var deadline = DateTime.UtcNow + HandshakeMemoryRelease.MinimumInterval + HandshakeMemoryRelease.QuietPeriod;
        while (HandshakeMemoryRelease.Shared.Releases == releasesBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Sample quiet = Sample.Take();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{viewers} viewers added; per viewer, handshakes quiet ({HandshakeMemoryRelease.Shared.Releases} release(s) so far): {quiet.PerViewer(before, viewers)}"));

        // What the GC keeps committed after the handshakes' garbage is not viewer state: an aggressive collection (as
        // IdleMemoryRelease does) hands it back, and what remains is what the viewers really hold.
        ReleaseCommitted();
        Sample released = Sample.Take();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{viewers} viewers added; per viewer, after an aggressive GC: {released.PerViewer(before, viewers)}"));
    }

    private static void ReleaseCommitted() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private static void Send(LoopbackViewers viewers, int packets)
    {
        byte[] packet = RtpPackets.CreateH264Packet();
        for (int i = 0; i < packets; i++)
        {
            // A new frame every 8 packets, as at 25 fps and ~200 packets/s.
            var info = new VideoPacketInfo(false, i % 8 == 7, false, (uint)(i / 8) * 3600, RtpPackets.SourceSsrc);
            foreach (var session in viewers.Sessions)
            {
                session.OnPacket(packet, info);
            }
        }
    }

    private readonly record struct Sample(long RssBytes, long HeapBytes, long CommittedBytes, long AllocatedBytes, int Threads, Smaps? Maps)
    {
        public static Sample Take()
        {
            long heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return new Sample(process.WorkingSet64, heap, GC.GetGCMemoryInfo().TotalCommittedBytes, GC.GetTotalAllocatedBytes(precise: true), process.Threads.Count, Smaps.Take());
        }

        public string PerViewer(Sample baseline, int viewers) => Totals(baseline, viewers)
            + (Maps is not null && baseline.Maps is not null ? "; RSS growth by kind (KiB): " + Maps.GrowthPerViewer(baseline.Maps, viewers) : string.Empty);

        private string Totals(Sample baseline, int viewers) => string.Create(CultureInfo.InvariantCulture,
            $"RSS {(RssBytes - baseline.RssBytes) / 1024.0 / viewers:0} KiB, managed heap {(HeapBytes - baseline.HeapBytes) / 1024.0 / viewers:0} KiB (GC committed {(CommittedBytes - baseline.CommittedBytes) / 1024.0 / viewers:0} KiB), threads {(Threads - baseline.Threads) / (double)viewers:0.00}, allocated {(AllocatedBytes - baseline.AllocatedBytes) / 1024.0 / viewers:0} KiB");
    }
}
