using CamStudio.Media.Rtcp;

namespace CamStudio.Media.WebRtc;

/// <summary>
/// What a viewer's browser tells us and what we sent it; read by status panels and metrics. <see cref="PacketsSent"/>
/// and <see cref="PayloadBytesSent"/> count video (first transmissions, not retransmissions); the audio track has its
/// own counters, <see cref="AudioPacketsSent"/> and <see cref="AudioPayloadBytesSent"/>, which stay 0 without audio.
/// </summary>
public readonly record struct ViewerStatsSnapshot(
    long PacketsSent,
    long PayloadBytesSent,
    long PacketsRetransmitted,
    long NacksReceived,
    long PliReceived,
    long DroppedInbound,
    long DroppedOutbound,
    double FractionLost,
    int CumulativeLost,
    uint JitterRtpUnits,
    TimeSpan? RoundTripTime,
    DateTimeOffset? LastRtcpReceived)
{
    /// <summary>Audio RTP packets sent to this viewer.</summary>
    public long AudioPacketsSent { get; init; }

    /// <summary>Audio payload octets sent (RFC 3550 §6.4.1 sender's octet count of the audio SSRC).</summary>
    public long AudioPayloadBytesSent { get; init; }
}

/// <summary>Counters updated from the send path (under the session's send lock) and from the UDP receive thread.</summary>
internal sealed class ViewerStats
{
    private readonly Lock _lock = new();
    private long _packetsSent;
    private long _payloadBytesSent;
    private long _audioPacketsSent;
    private long _audioPayloadBytesSent;
    private long _retransmitted;
    private long _nacks;
    private long _plis;
    private long _droppedInbound;
    private long _droppedOutbound;
    private double _fractionLost;
    private int _cumulativeLost;
    private uint _jitter;
    private TimeSpan? _rtt;
    private DateTimeOffset? _lastRtcp;

    public void CountSent(int payloadBytes)
    {
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _payloadBytesSent, payloadBytes);
    }

    public void CountAudioSent(int payloadBytes)
    {
        Interlocked.Increment(ref _audioPacketsSent);
        Interlocked.Add(ref _audioPayloadBytesSent, payloadBytes);
    }

    public void CountRetransmitted() => Interlocked.Increment(ref _retransmitted);

    public void CountNack(int count) => Interlocked.Add(ref _nacks, count);

    public void CountPli() => Interlocked.Increment(ref _plis);

    public void IncrementDroppedInbound() => Interlocked.Increment(ref _droppedInbound);

    public void IncrementDroppedOutbound() => Interlocked.Increment(ref _droppedOutbound);

    public void MarkRtcpReceived(DateTimeOffset now)
    {
        lock (_lock)
        {
            _lastRtcp = now;
        }
    }

    public void UpdateFromReceiverReport(in RtcpReportBlock block, ulong ntpNow)
    {
        lock (_lock)
        {
            _fractionLost = block.FractionLostRatio;
            _cumulativeLost = block.CumulativeLost;
            _jitter = block.Jitter;
            if (block.TryGetRoundTripTime(NtpTime.ToCompact(ntpNow), out TimeSpan rtt))
            {
                _rtt = rtt;
            }
        }
    }

    public ViewerStatsSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ViewerStatsSnapshot(
                Interlocked.Read(ref _packetsSent),
                Interlocked.Read(ref _payloadBytesSent),
                Interlocked.Read(ref _retransmitted),
                Interlocked.Read(ref _nacks),
                Interlocked.Read(ref _plis),
                Interlocked.Read(ref _droppedInbound),
                Interlocked.Read(ref _droppedOutbound),
                _fractionLost,
                _cumulativeLost,
                _jitter,
                _rtt,
                _lastRtcp)
            {
                AudioPacketsSent = Interlocked.Read(ref _audioPacketsSent),
                AudioPayloadBytesSent = Interlocked.Read(ref _audioPayloadBytesSent),
            };
        }
    }
}
