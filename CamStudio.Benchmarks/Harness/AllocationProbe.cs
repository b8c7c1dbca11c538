using System.Diagnostics;
using System.Diagnostics.Tracing;
using CamStudio.Media.Srtp;
using CamStudio.Media.Streaming;
using CamStudio.Media.Video;

namespace CamStudio.Benchmarks.Harness;

/// <summary>
/// `--alloc-probe`: BenchmarkDotNet's Allocated column counts every thread of the process, so the real-session fan-out
/// can show a few bytes per operation that the send path itself never allocates. This separates the two: 10 connected
/// viewers, 2,000,000 ViewerSession.OnPacket calls, bytes allocated on the calling thread vs the whole process, the
/// thread-pool work items the sends caused, and the type names of the runtime's allocation-tick samples (one per ~100 KB).
/// </summary>
internal static class AllocationProbe
{
    private const int Viewers = 10;
    private const int Packets = 200_000;

    public static async Task RunAsync()
    {
        using var ticks = new AllocationTickListener();
        await using LoopbackViewers viewers = await LoopbackViewers.ConnectAsync(Viewers, SrtpProfile.AeadAes128Gcm);
        byte[] packet = RtpPackets.CreateH264Packet();
        var info = new VideoPacketInfo(false, false, false, 90_000, RtpPackets.SourceSsrc);
        ticks.Enabled = true;

        long processBefore = GC.GetTotalAllocatedBytes(true);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Console.WriteLine($"idle, {Viewers} viewers, 3 s: process allocated {GC.GetTotalAllocatedBytes(true) - processBefore} B");

        long workItemsBefore = ThreadPool.CompletedWorkItemCount;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        processBefore = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < Packets; i++)
        {
            foreach (var session in viewers.Sessions)
            {
                session.OnPacket(packet, info);
            }
        }

        long thread = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        long process = GC.GetTotalAllocatedBytes(true) - processBefore;
        Console.WriteLine($"{Packets * Viewers} OnPacket calls: calling thread allocated {thread} B, process {process} B");
        Console.WriteLine($"thread-pool work items meanwhile: {ThreadPool.CompletedWorkItemCount - workItemsBefore}; " +
            $"wall {wall.ElapsedMilliseconds} ms, process CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds:F0} ms");
        foreach ((string type, int count) in ticks.Snapshot())
        {
            Console.WriteLine($"allocation tick: {type} x{count}");
        }
    }

    private sealed class AllocationTickListener : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly Dictionary<string, int> _types = new(StringComparer.Ordinal);

        public volatile bool Enabled;

        public IReadOnlyList<(string Type, int Count)> Snapshot()
        {
            lock (_types)
            {
                return [.. _types.OrderByDescending(t => t.Value).Select(t => (t.Key, t.Value))];
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!Enabled || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true
                || eventData.PayloadNames is null || eventData.Payload is null)
            {
                return;
            }

            int index = eventData.PayloadNames.IndexOf("TypeName");
            string type = index >= 0 ? eventData.Payload[index]?.ToString() ?? "?" : "?";
            lock (_types)
            {
                _types[type] = _types.GetValueOrDefault(type) + 1;
            }
        }
    }
}
