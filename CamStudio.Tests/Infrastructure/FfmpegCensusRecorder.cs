using System.Diagnostics;
using System.Globalization;

namespace CamStudio.Tests.Infrastructure;

/// <summary>One FFmpeg seen pulling a camera at one sample: its pid and its process group (= the node that started it).</summary>
public readonly record struct CensusEntry(int Pid, int Group);

/// <summary>One sample: when (since the recorder started) and, per camera port, the FFmpeg processes pulling it.</summary>
public sealed record CensusSample(TimeSpan At, IReadOnlyDictionary<int, IReadOnlyList<CensusEntry>> ByCamera);

/// <summary>
/// <see cref="FfmpegCensus"/> every 100 ms in the background, for the cluster's "never pulled twice" (plan §6): each
/// sample lists, per camera, the FFmpeg processes pulling it and the process group (node) each belongs to. A
/// measurement running beside the test, not a synchronisation: the assertions read the samples afterwards.
/// </summary>
public sealed class FfmpegCensusRecorder : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly int[] _cameraPorts;
    private readonly Lock _lock = new();
    private readonly List<CensusSample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FfmpegCensusRecorder(params int[] cameraPorts)
    {
        _cameraPorts = cameraPorts;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Time since the recorder started, on the samples' clock.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Samples taken at or after <paramref name="from"/>.</summary>
    public IReadOnlyList<CensusSample> Since(TimeSpan from)
    {
        lock (_lock)
        {
            return [.. _samples.Where(s => s.At >= from)];
        }
    }

    /// <summary>
    /// Samples since <paramref name="from"/> in which a camera had more than one FFmpeg, or FFmpeg from more than one node,
    /// each described for the failure message (empty = never pulled twice).
    /// </summary>
    public IReadOnlyList<string> Violations(TimeSpan from) =>
        [.. Since(from).SelectMany(s => s.ByCamera
            .Where(c => c.Value.Count > 1 || c.Value.Select(e => e.Group).Distinct().Count() > 1)
            .Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{s.At.TotalSeconds:0.0} s: camera :{c.Key} pulled by {string.Join(", ", c.Value.Select(e => $"ffmpeg {e.Pid} of group {e.Group}"))}")))];

    /// <summary>The FFmpeg processes pulling the camera at the last sample taken.</summary>
    public IReadOnlyList<CensusEntry> Latest(int cameraPort)
    {
        lock (_lock)
        {
            return _samples.Count == 0 ? [] : _samples[^1].ByCamera[cameraPort];
        }
    }

    /// <summary>Takes one sample now (also used so an assertion sees a sample taken after the event it waits for).</summary>
    public CensusSample Sample()
    {
        var byCamera = new Dictionary<int, IReadOnlyList<CensusEntry>>();
        foreach (int port in _cameraPorts)
        {
            byCamera[port] = [.. FfmpegCensus.Pulling(port)
                .Select(pid => (Pid: pid, Group: ProcessGroups.GroupOf(pid)))
                .Where(e => e.Group is not null)
                .Select(e => new CensusEntry(e.Pid, e.Group!.Value))];
        }

        var sample = new CensusSample(_clock.Elapsed, byCamera);
        lock (_lock)
        {
            _samples.Add(sample);
        }

        return sample;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
