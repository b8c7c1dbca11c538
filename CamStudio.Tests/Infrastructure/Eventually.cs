using System.Diagnostics;
using System.Globalization;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Waits for an observable condition with a deadline. This is not sleep-as-synchronisation: the wait ends as soon
/// as the condition holds, and the deadline only bounds how long a broken system can keep a test busy.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Polls <paramref name="condition"/> until it is true; throws <see cref="TimeoutException"/> after <paramref name="deadline"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitUntilAsync(() => Task.FromResult(condition()), deadline, because, cancellationToken);
    }

    /// <summary>Polls <paramref name="condition"/> until it is true; throws <see cref="TimeoutException"/> after <paramref name="deadline"/>.</summary>
    public static async Task WaitUntilAsync(
        Func<Task<bool>> condition, TimeSpan deadline, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (clock.Elapsed >= deadline)
            {
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Waited {deadline.TotalSeconds:0.###} s for: {because}"));
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }
}
