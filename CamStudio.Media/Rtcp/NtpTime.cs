namespace CamStudio.Media.Rtcp;

/// <summary>64-bit NTP timestamps (RFC 3550 §4): seconds since 1900-01-01 in the high word, binary fraction in the low.</summary>
public static class NtpTime
{
    private static readonly DateTimeOffset s_epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ulong FromDateTimeOffset(DateTimeOffset time)
    {
        TimeSpan sinceEpoch = time - s_epoch;
        ulong seconds = (ulong)(sinceEpoch.Ticks / TimeSpan.TicksPerSecond);
        ulong remainderTicks = (ulong)(sinceEpoch.Ticks % TimeSpan.TicksPerSecond);
        ulong fraction = (remainderTicks << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    /// <summary>The middle 32 bits, as carried in a report block's LSR field and used for RTT.</summary>
    public static uint ToCompact(ulong ntpTimestamp) => (uint)(ntpTimestamp >> 16);
}
