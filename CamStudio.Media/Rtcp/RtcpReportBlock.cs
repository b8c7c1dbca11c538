namespace CamStudio.Media.Rtcp;

// RFC 3550 §6.4.1 report block (24 bytes), found in SR and RR packets:
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                 SSRC_1 (SSRC of first source)                 |
// | fraction lost |       cumulative number of packets lost       |
// |           extended highest sequence number received           |
// |                      interarrival jitter                      |
// |                         last SR (LSR)                         |
// |                   delay since last SR (DLSR)                  |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+

/// <summary>One reception report about one of our SSRCs.</summary>
public readonly record struct RtcpReportBlock(
    uint ReporterSsrc,
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequenceNumber,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    /// <summary>Fraction lost as a number between 0 and 1.</summary>
    public double FractionLostRatio => FractionLost / 256.0;

    /// <summary>
    /// RFC 3550 §6.4.1 round-trip time: arrival time (compact NTP) - LSR - DLSR. False when the receiver has not seen an
    /// SR yet (LSR = 0) or the result is negative (clock or report confusion).
    /// </summary>
    public bool TryGetRoundTripTime(uint arrivalCompactNtp, out TimeSpan roundTripTime)
    {
        roundTripTime = default;
        if (LastSenderReport == 0)
        {
            return false;
        }

        int units = unchecked((int)(arrivalCompactNtp - LastSenderReport - DelaySinceLastSenderReport));
        if (units < 0)
        {
            return false;
        }

        roundTripTime = TimeSpan.FromTicks(units * TimeSpan.TicksPerSecond / 65536);
        return true;
    }
}
