using Microsoft.Extensions.Logging;

namespace CamStudio.Media.Ffmpeg;

/// <summary>Source-generated log messages. Every string argument must already have passed through
/// <see cref="FfmpegArguments.Redact"/>: FFmpeg echoes the camera URL, credentials included.</summary>
internal static partial class FfmpegLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "FFmpeg {ProcessId} started: {Executable} {Arguments}")]
    public static partial void Started(ILogger logger, int processId, string executable, string arguments);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "FFmpeg {ProcessId}: {Line}")]
    public static partial void StderrLine(ILogger logger, int processId, string line);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "FFmpeg {ProcessId} exited with code {ExitCode}")]
    public static partial void Exited(ILogger logger, int processId, int exitCode);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "FFmpeg {ProcessId} ignored 'q' for {GraceMs} ms; killing its process tree")]
    public static partial void Killing(ILogger logger, int processId, double graceMs);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Killing {Count} FFmpeg process(es) left at shutdown")]
    public static partial void KillingAll(ILogger logger, int count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Could not kill FFmpeg {ProcessId}: {Reason}")]
    public static partial void KillFailed(ILogger logger, int processId, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "A stderr subscriber of FFmpeg {ProcessId} threw: {Error}")]
    public static partial void SubscriberFailed(ILogger logger, int processId, string error);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "FFmpeg supervision of {Name} hit an unexpected error: {Error}")]
    public static partial void SupervisorError(ILogger logger, string name, string error);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Error, Message = "A state-change subscriber of {Name} threw: {Error}")]
    public static partial void StateSubscriberFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "FFmpeg for {Name}: {OldState} -> {NewState}")]
    public static partial void StateChanged(ILogger logger, string name, FfmpegSupervisorState oldState, FfmpegSupervisorState newState);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "FFmpeg for {Name} failed ({Failure}): {Error}; restarting in {DelayMs} ms")]
    public static partial void Restarting(ILogger logger, string name, FfmpegFailure failure, string error, double delayMs);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Information, Message = "Camera for {Name} answers again; restarting FFmpeg now")]
    public static partial void CameraBack(ILogger logger, string name);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "FFmpeg for {Name} could not be started: {Error}")]
    public static partial void LaunchFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "FFmpeg for {Name} not launched: this node may not pull the camera now")]
    public static partial void NotAdmitted(ILogger logger, string name);
}
