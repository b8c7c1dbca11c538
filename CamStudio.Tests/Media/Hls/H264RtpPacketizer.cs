using CamStudio.Media.Hls;
using CamStudio.Media.Rtp;
using CamStudio.Media.Video;

namespace CamStudio.Tests.Media.Hls;

/// <summary>One RTP packet as a source hands it to a sink.</summary>
internal sealed record RtpTestPacket(byte[] Bytes, VideoPacketInfo Info)
{
    public ushort SequenceNumber => Info.SourceSequenceNumber;
}

/// <summary>
/// Test-side RFC 6184 packetizer, written independently of the depacketizer: SPS and PPS together in one STAP-A (§5.7.1),
/// NAL units up to <see cref="MaxPayload"/> as single NAL unit packets (§5.6), bigger ones as FU-A (§5.8); the marker on
/// the last packet of each access unit, as FFmpeg's RTP muxer does.
/// </summary>
internal sealed class H264RtpPacketizer(uint ssrc, ushort firstSequenceNumber = 1000, int maxPayload = 1188)
{
    private ushort _sequence = firstSequenceNumber;

    public int MaxPayload { get; } = maxPayload;

    public uint Ssrc { get; set; } = ssrc;

    public static byte[] Rtp(ushort sequence, uint timestamp, uint ssrc, bool marker, ReadOnlySpan<byte> payload)
    {
        byte[] packet = new byte[RtpHeader.FixedHeaderLength + payload.Length];
        packet[0] = 0x80;
        RtpPacketWriter.SetPayloadType(packet, 96);
        RtpPacketWriter.SetMarker(packet, marker);
        RtpPacketWriter.SetSequenceNumber(packet, sequence);
        RtpPacketWriter.SetTimestamp(packet, timestamp);
        RtpPacketWriter.SetSsrc(packet, ssrc);
        payload.CopyTo(packet.AsSpan(RtpHeader.FixedHeaderLength));
        return packet;
    }

    public static byte[] StapA(params byte[][] nals)
    {
        var payload = new List<byte> { (byte)((nals.Max(n => n[0] & 0x60)) | 24) };
        foreach (byte[] nal in nals)
        {
            payload.Add((byte)(nal.Length >> 8));
            payload.Add((byte)nal.Length);
            payload.AddRange(nal);
        }

        return [.. payload];
    }

    /// <summary>FU-A payloads of <paramref name="nal"/>, each carrying at most <paramref name="maxData"/> bytes of it.</summary>
    public static List<byte[]> FuA(byte[] nal, int maxData)
    {
        var payloads = new List<byte[]>();
        byte indicator = (byte)((nal[0] & 0xE0) | 28);
        int type = nal[0] & 0x1F;
        for (int offset = 1; offset < nal.Length; offset += maxData)
        {
            int length = Math.Min(maxData, nal.Length - offset);
            byte header = (byte)(type | (offset == 1 ? 0x80 : 0) | (offset + length == nal.Length ? 0x40 : 0));
            payloads.Add([indicator, header, .. nal.AsSpan(offset, length)]);
        }

        return payloads;
    }

    /// <summary>The next packet with this packetizer's SSRC and sequence counter.</summary>
    public RtpTestPacket Next(uint timestamp, bool marker, byte[] payload, bool fromCache = false)
    {
        ushort sequence = _sequence++;
        bool keyFrameStart = payload.Length > 0 && (payload[0] & 0x1F) is 5 or 7 or 8 or 24;
        return new RtpTestPacket(
            Rtp(sequence, timestamp, Ssrc, marker, payload),
            new VideoPacketInfo(keyFrameStart, marker, fromCache, timestamp, Ssrc, sequence));
    }

    /// <summary>Packets of one access unit given as NAL units (without start codes).</summary>
    public List<RtpTestPacket> AccessUnit(uint timestamp, params byte[][] nals)
    {
        var payloads = new List<byte[]>();
        byte[][] parameterSets = [.. nals.Where(n => (n[0] & 0x1F) is 7 or 8)];
        if (parameterSets.Length > 0)
        {
            payloads.Add(StapA(parameterSets));
        }

        foreach (byte[] nal in nals.Where(n => (n[0] & 0x1F) is not (7 or 8)))
        {
            if (nal.Length <= MaxPayload)
            {
                payloads.Add(nal);
            }
            else
            {
                payloads.AddRange(FuA(nal, MaxPayload - 2));
            }
        }

        return [.. payloads.Select((p, i) => Next(timestamp, i == payloads.Count - 1, p))];
    }

    /// <summary>Packets of one access unit in Annex-B form.</summary>
    public List<RtpTestPacket> AccessUnit(uint timestamp, ReadOnlySpan<byte> annexB)
    {
        var nals = new List<byte[]>();
        while (AnnexB.TryReadNal(ref annexB, out ReadOnlySpan<byte> nal))
        {
            nals.Add(nal.ToArray());
        }

        return AccessUnit(timestamp, [.. nals]);
    }

    public static void Feed(IVideoPacketSink sink, IEnumerable<RtpTestPacket> packets)
    {
        foreach (RtpTestPacket packet in packets)
        {
            sink.OnPacket(packet.Bytes, packet.Info);
        }
    }
}

/// <summary>Copies every access unit the depacketizer hands out.</summary>
internal sealed class RecordingAccessUnitSink : IRtpAccessUnitSink
{
    public List<(byte[] AnnexB, uint Timestamp, uint Ssrc, bool IsKeyFrame, bool HasPicture)> Units { get; } = [];

    public void OnAccessUnit(in RtpAccessUnit accessUnit) =>
        Units.Add((accessUnit.AnnexB.ToArray(), accessUnit.RtpTimestamp, accessUnit.Ssrc, accessUnit.IsKeyFrame, accessUnit.HasPicture));
}
