namespace CamStudio.Media.Ffmpeg;

/// <summary>
/// Capped exponential backoff with jitter: initial, 2×, 4×… up to the cap, each multiplied by a random factor in
/// [1 − jitter, 1 + jitter] so that many cameras failing together (a switch reboot) do not reconnect in lock-step.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly Random _random;
    private readonly Lock _lock = new();

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1.0);
        Initial = initial;
        Max = max;
        Jitter = jitter;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    public double Jitter { get; }

    /// <summary>The un-jittered delay before retry number <paramref name="attempt"/> (0-based).</summary>
    public TimeSpan BaseDelay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        // 2^attempt overflows long before it matters; stop doubling once past the cap.
        double ticks = Initial.Ticks * Math.Pow(2, Math.Min(attempt, 40));
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The jittered delay before retry number <paramref name="attempt"/>.</summary>
    public TimeSpan NextDelay(int attempt) => ApplyJitter(BaseDelay(attempt));

    /// <summary>Jitters any delay (also used for the slow auth-failure retry).</summary>
    public TimeSpan ApplyJitter(TimeSpan delay)
    {
        double unit;
        lock (_lock)
        {
            unit = _random.NextDouble();
        }

        double factor = 1.0 + (Jitter * ((2 * unit) - 1));
        return TimeSpan.FromTicks((long)(delay.Ticks * factor));
    }
}
