using System.Net;
using Microsoft.Extensions.Logging;

namespace CamStudio.Media.WebRtc;

internal static partial class UdpMuxLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "UDP mux listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "UDP mux session {Ufrag} threw from {Callback}")]
    public static partial void HandlerFailed(ILogger logger, string ufrag, string callback, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "UDP mux session {Ufrag}: consent expired, viewer gone")]
    public static partial void ConsentExpired(ILogger logger, string ufrag);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "UDP mux session {Ufrag}: path selected {Remote}")]
    public static partial void RemoteSelected(ILogger logger, string ufrag, IPEndPoint? remote);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "UDP mux consent sweep failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
