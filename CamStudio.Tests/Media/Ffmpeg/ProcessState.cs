namespace CamStudio.Tests.Media.Ffmpeg;

internal static class ProcessState
{
    /// <summary>True when the process no longer exists or is a zombie waiting to be reaped.</summary>
    public static bool IsGone(int pid) => !File.Exists("/proc/" + pid + "/stat")
        || File.ReadAllText("/proc/" + pid + "/stat").Split(") ")[^1].StartsWith('Z');
}
