using CamStudio.Core.Cameras;
using CamStudio.Core.Cluster;
using CamStudio.Media.Snapshots;
using CamStudio.Media.Streaming;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Services;

/// <summary>
/// Keeps every camera's poster (<see cref="PosterStore"/>): each new snapshot becomes its camera's poster, a streaming
/// camera's poster is renewed from its last key frame once it is <see cref="PosterOptions.RefreshInterval"/> old and
/// once more when its last viewer left (the stream stops after the grace period), and after start each camera without a
/// poster gets one grab. All of it runs one camera at a time on this one loop, so
/// posters never cost more than one short FFmpeg at a time. Only cameras this node serves are grabbed
/// (<see cref="ICameraOwnership"/>): in a cluster the owner keeps the poster.
/// </summary>
public sealed partial class PosterService(
    SnapshotService snapshots, PosterStore posters, CameraStreamHost streams, ICameraStore cameras, ICameraOwnership ownership,
    IOptions<PosterOptions> options, TimeProvider time, ILogger<PosterService> logger) : BackgroundService
{
    // Streams whose current grace period already renewed the poster (only touched by the one loop).
    private readonly HashSet<string> _graceRefreshed = new(StringComparer.Ordinal);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        snapshots.Taken += OnTaken;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        snapshots.Taken -= OnTaken;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PosterOptions settings = options.Value;
        try
        {
            DateTimeOffset grabMissingAt = time.GetUtcNow() + settings.StartDelay;
            bool grabbedMissing = !settings.GrabMissingAtStart;
            using var timer = new PeriodicTimer(settings.CheckInterval, time);
            do
            {
                await RefreshStreamingAsync(settings, stoppingToken);
                if (!grabbedMissing && time.GetUtcNow() >= grabMissingAt)
                {
                    grabbedMissing = true;
                    await GrabMissingAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void OnTaken(Snapshot snapshot)
    {
        try
        {
            posters.Save(snapshot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SaveFailed(logger, snapshot.CameraId, ex);
        }
    }

    private async Task RefreshStreamingAsync(PosterOptions settings, CancellationToken cancellationToken)
    {
        foreach (CameraStream stream in streams.Streams)
        {
            // Once per grace period: the last viewer left, FFmpeg stops soon and takes the cached GOP with it, so this is
            // the last chance for the picture the next viewer should see first.
            bool lastViewerLeft = stream.IsInGracePeriod && _graceRefreshed.Add(stream.Key);
            if (!stream.IsInGracePeriod)
            {
                _graceRefreshed.Remove(stream.Key);
            }

            if (!stream.IsRunning || stream.GetStatus().State != StreamState.Streaming)
            {
                continue;
            }

            if (!lastViewerLeft && posters.Find(stream.CameraId) is { } poster && time.GetUtcNow() - poster.TakenAt < settings.RefreshInterval)
            {
                continue;
            }

            await TakeAsync(stream.CameraId, stream.Quality, cancellationToken);
        }
    }

    private async Task GrabMissingAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraResponse> all = await cameras.ListAsync(cancellationToken);
        foreach (CameraResponse camera in all)
        {
            if (ownership.IsLocal(camera.CameraId) && posters.Find(camera.CameraId) is null)
            {
                await TakeAsync(camera.CameraId, quality: null, cancellationToken);
            }
        }
    }

    private async Task TakeAsync(int cameraId, StreamVariant? quality, CancellationToken cancellationToken)
    {
        // A new picture reaches the store through Taken; what is left to do here is say why there is none.
        SnapshotResult result = await snapshots.GetAsync(cameraId, quality, cancellationToken);
        if (result.Failure == SnapshotFailure.Unavailable)
        {
            Log.NoPoster(logger, cameraId, result.Reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: the poster could not be written")]
        public static partial void SaveFailed(ILogger logger, int cameraId, Exception exception);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {CameraId}: no poster ({Reason})")]
        public static partial void NoPoster(ILogger logger, int cameraId, string? reason);
    }
}
