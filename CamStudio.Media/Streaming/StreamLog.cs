using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Streaming;

internal static partial class StreamLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Starting or stopping stream {Key} failed")]
    public static partial void ReconcileFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Key} created (RTP port {Port})")]
    public static partial void StreamCreated(ILogger logger, string key, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Key} removed; its viewers were ended")]
    public static partial void StreamRemoved(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Key} fenced: FFmpeg killed, viewers told the camera moved")]
    public static partial void StreamFenced(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Key} restarts with the camera's new settings")]
    public static partial void StreamReconfigured(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Viewer {SessionId} joined stream {Key}")]
    public static partial void ViewerJoined(ILogger logger, string sessionId, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "HLS viewer {SessionId} joined stream {Key}")]
    public static partial void HlsViewerJoined(ILogger logger, string sessionId, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "HLS viewer {SessionId} of stream {Key} stopped fetching and was ended")]
    public static partial void HlsViewerExpired(ILogger logger, string sessionId, string key);
}
