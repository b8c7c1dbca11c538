namespace CamStudio.Media.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).</summary>
public enum RtcpPacketType : byte
{
    SenderReport = 200,
    ReceiverReport = 201,
    SourceDescription = 202,
    Goodbye = 203,
    ApplicationDefined = 204,
    TransportFeedback = 205,
    PayloadFeedback = 206,
    ExtendedReport = 207,
}

/// <summary>FMT values of transport-layer feedback (RFC 4585 §6.2, RFC 8888/transport-cc draft).</summary>
public enum RtcpTransportFeedbackFormat : byte
{
    GenericNack = 1,
    TransportWideCongestionControl = 15,
}

/// <summary>FMT values of payload-specific feedback (RFC 4585 §6.3, RFC 5104 §4.3).</summary>
public enum RtcpPayloadFeedbackFormat : byte
{
    PictureLossIndication = 1,
    SliceLossIndication = 2,
    ReferencePictureSelectionIndication = 3,
    FullIntraRequest = 4,
    ApplicationLayerFeedback = 15,
}
