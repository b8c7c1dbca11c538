using System.Globalization;
using System.Runtime.InteropServices;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Process groups read from /proc and killed as a whole: a cluster node started with <c>setsid</c> leads its own group,
/// and its FFmpeg children inherit it, so "kill -9 the group" is what systemd's cgroup kill or a dead box does to a node.
/// </summary>
public static class ProcessGroups
{
    private const int SigKill = 9;

    /// <summary>The process group of <paramref name="pid"/>, or null when it is gone or a zombie.</summary>
    public static int? GroupOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ") ".
            string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            string[] fields = stat[(stat.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].Split(' ');
            return fields[0] == "Z" ? null : int.Parse(fields[2], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Live processes of group <paramref name="group"/>.</summary>
    public static IReadOnlyList<int> Members(int group)
    {
        var members = new List<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out int pid) && GroupOf(pid) == group)
            {
                members.Add(pid);
            }
        }

        return members;
    }

    /// <summary>SIGKILL to every process of the group at once, then waits until none is left.</summary>
    public static async Task KillAsync(int group)
    {
        if (Kill(-group, SigKill) != 0 && Members(group).Count > 0)
        {
            throw new InvalidOperationException($"kill(-{group}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        await Eventually.WaitUntilAsync(() => Members(group).Count == 0, TimeSpan.FromSeconds(10), $"process group {group} is gone");
    }

    [DllImport("libc", EntryPoint = "kill", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int sig);
}
