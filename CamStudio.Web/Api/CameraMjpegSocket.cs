using System.Net.WebSockets;
using CamStudio.Media.Ffmpeg;
using CamStudio.Media.Streaming;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CamStudio.Web.Api;

/// <summary>
/// Legacy <c>WS /api/cameras/{camera_id}/ws</c>: JPEG frames as binary messages. FFmpeg decodes and encodes only while the
/// client is connected (one process per client), and stops when it disconnects.
/// </summary>
internal static class CameraMjpegSocket
{
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> HandleAsync(
        [FromRoute(Name = "camera_id")] int cameraId,
        [FromQuery(Name = "quality")] string? quality,
        HttpContext context,
        ICameraFeedLookup feeds,
        IStreamAdmission admission,
        FfmpegProcessRegistry registry,
        CancellationToken cancellationToken)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket required.",
                detail: "Connect with a WebSocket client; frames arrive as binary JPEG messages.",
                extensions: new Dictionary<string, object?> { ["code"] = "websocket_required" });
        }

        if (!StreamVariantNames.TryParse(quality, out StreamVariant? selected))
        {
            return StreamProblems.InvalidQuality();
        }

        CameraFeed? source = await feeds.FindAsync(cameraId, cancellationToken);
        if (source is null)
        {
            return CameraProblems.NotFound(cameraId);
        }

        if (!admission.MayRun(cameraId))
        {
            // Its FFmpeg pulls the camera like a stream's does: in a cluster only the camera's owner may.
            return ViewerOfferProblems.From(ViewerOfferService.NotServedHere(), context.Response);
        }

        IReadOnlyList<string> arguments = MjpegStream.BuildArguments(source, selected ?? source.DefaultVariant, out _);
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using MjpegStream mjpeg = MjpegStream.Start(arguments, registry);

        // The client sends nothing; reading is how its close (or a dead connection) is noticed.
        Task watchClient = WatchForCloseAsync(socket, done);
        try
        {
            await foreach (ReadOnlyMemory<byte> frame in mjpeg.ReadFramesAsync(done.Token))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, done.Token);
            }

            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "The camera stream ended.", CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away: disposing the stream stops FFmpeg.
        }
        finally
        {
            await done.CancelAsync();
            await watchClient;
            if (socket.State == WebSocketState.CloseReceived)
            {
                // Complete the client's close handshake (only now: the frame loop, the other sender, has ended).
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }

        return TypedResults.Empty;
    }

    private static async Task WatchForCloseAsync(WebSocket socket, CancellationTokenSource done)
    {
        byte[] buffer = new byte[256];
        try
        {
            while (!done.IsCancellationRequested)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, done.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await done.CancelAsync();
        }
    }
}
