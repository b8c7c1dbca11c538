namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>Waits for a condition with a deadline (not a sleep as synchronisation: it returns as soon as it holds).</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, TimeSpan timeout, string because)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out after " + timeout + " waiting until " + because);
            }

            await timer.WaitForNextTickAsync();
        }
    }

    public static bool ProcessIsGone(int pid) => !File.Exists("/proc/" + pid + "/stat")
        || File.ReadAllText("/proc/" + pid + "/stat").Split(") ")[^1].StartsWith('Z');
}
