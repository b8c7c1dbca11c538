namespace CamStudio.Media.Rtcp;

/// <summary>
/// One sender report of FFmpeg's: the RTP timestamp <see cref="RtpTimestamp"/> of stream <see cref="Ssrc"/> belongs to
/// the NTP instant <see cref="NtpTimestamp"/>. FFmpeg stamps each output as base + the packet's presentation time and
/// reports base + (now − start) on the same clock; with the same start on every output of one run
/// (<c>-start_time_realtime</c>, see FfmpegArguments), two anchors place the audio and the video on the one timeline
/// the camera's RTSP session gave them. Lip sync then follows the media timestamps, not when packets happen to arrive.
/// </summary>
public readonly record struct RtpClockAnchor(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp)
{
    /// <summary>How far from its anchors a mapping may reach before it is not trusted (see <see cref="TryMap"/>).</summary>
    public static readonly TimeSpan MaxReach = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The timestamp on <paramref name="to"/>'s clock of the same media instant as <paramref name="timestamp"/> on
    /// <paramref name="from"/>'s. False when the instant lies more than <see cref="MaxReach"/> from the anchors: the
    /// reports then do not describe the packets' run the way FFmpeg does when its start is the run's start (a start
    /// hours old, after a reconnect with the same arguments, would put the reports' timestamps far from the packets').
    /// </summary>
    public static bool TryMap(RtpClockAnchor from, int fromClockRate, uint timestamp, RtpClockAnchor to, int toClockRate,
        out uint mapped)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromClockRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toClockRate, 1);
        // Media time of `timestamp` relative to `from`'s report, plus how much later `from` reported than `to`:
        // (t − R_from)/c_from + (T_from − T_to) seconds after `to`'s report.
        double sinceFrom = unchecked((int)(timestamp - from.RtpTimestamp)) / (double)fromClockRate;
        double reportsApart = unchecked((long)(from.NtpTimestamp - to.NtpTimestamp)) / 4294967296.0;
        double sinceTo = sinceFrom + reportsApart;
        double reach = MaxReach.TotalSeconds;
        if (Math.Abs(sinceFrom) > reach || Math.Abs(sinceTo) > reach)
        {
            mapped = 0;
            return false;
        }

        mapped = unchecked(to.RtpTimestamp + (uint)(long)Math.Round(sinceTo * toClockRate));
        return true;
    }
}
