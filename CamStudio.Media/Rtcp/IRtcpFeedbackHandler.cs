namespace CamStudio.Media.Rtcp;

/// <summary>Receives what <see cref="RtcpCompoundReader"/> finds in a compound packet from a viewer.</summary>
public interface IRtcpFeedbackHandler
{
    /// <summary>One report block of an RR or SR (one call per block).</summary>
    void OnReceiverReport(in RtcpReportBlock block);

    /// <summary>
    /// Generic NACK (RFC 4585 §6.2.1), PID/BLP pairs already expanded. The span lives only for the call; a NACK with very
    /// many FCIs may come as more than one call.
    /// </summary>
    void OnNack(uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers);

    /// <summary>Picture Loss Indication (RFC 4585 §6.3.1).</summary>
    void OnPictureLossIndication(uint mediaSsrc);

    /// <summary>BYE (RFC 3550 §6.6): the viewer leaves.</summary>
    void OnBye();

    /// <summary>
    /// Full Intra Request (RFC 5104 §4.3.1), one call per FCI entry. For a sender that cannot make a new keyframe the
    /// answer is the same as for a PLI (replay the cached GOP), so that is the default.
    /// </summary>
    void OnFullIntraRequest(uint mediaSsrc, byte sequenceNumber) => OnPictureLossIndication(mediaSsrc);
}
