using System.Buffers.Binary;
using CamStudio.Media.Rtp;

namespace CamStudio.Media.Hls;

/// <summary>Receives whole AAC access units (raw frames, no ADTS header) from <see cref="AacRtpDepacketizer"/>.</summary>
public interface IAacFrameSink
{
    /// <summary>
    /// One complete AAC frame, only valid during the call. <paramref name="rtpTimestamp"/> is the frame's own time on
    /// the RTP clock (the sample rate): the packet's timestamp plus 1024 per AU index after the packet's first.
    /// </summary>
    void OnAacFrame(ReadOnlySpan<byte> frame, uint rtpTimestamp, uint ssrc);
}

/// <summary>
/// RFC 3640 "mpeg4-generic" AAC-hbr RTP → whole AAC frames, as FFmpeg's rtp muxer and cameras send it
/// (sizeLength=13; indexLength=3; indexDeltaLength=3). Never throws on bad bytes; the only buffer is the one a
/// fragmented frame is reassembled in, allocated once.
/// <code>
/// payload (§3.2.1, §3.3.6):
/// +---------+-----------+-----------+---------------+
/// | AU-headers-length (16 bits, in bits) | AU-header 1..n | AU 1..n |
/// AU-header (AAC-hbr): AU-size (13) | AU-Index (3) for the first, AU-Index-delta (3) for the rest
/// </code>
/// Several AUs per packet are split by their sizes. A packet with one AU-header whose AU-size exceeds the data that
/// follows carries a fragment (§3.2.3: the AU-size is that of the whole AU); fragments share the RTP timestamp and the
/// marker bit closes the AU. A sequence gap or a timestamp change inside a fragmented AU drops it; complete AUs are
/// independent, so loss costs only the frames it hit. No auxiliary section (FFmpeg and cameras send none).
/// </summary>
public sealed class AacRtpDepacketizer(IAacFrameSink sink)
{
    /// <summary>The largest AU the 13-bit AU-size can announce.</summary>
    public const int MaxFrameBytes = (1 << SizeBits) - 1;

    private const int SizeBits = 13;
    private const int IndexBits = 3;
    private const int AuHeaderBits = SizeBits + IndexBits;
    private const int AuHeadersLengthSize = 2;

    private readonly IAacFrameSink _sink = sink ?? throw new ArgumentNullException(nameof(sink));
    private readonly byte[] _fragment = new byte[MaxFrameBytes];
    private int _fragmentLength;
    private int _fragmentSize; // the whole AU's size while one is being reassembled, else 0
    private uint _fragmentTimestamp;
    private bool _haveSequence;
    private ushort _nextSequence;
    private uint _ssrc;

    /// <summary>Frames handed to the sink.</summary>
    public long Frames { get; private set; }

    /// <summary>Packets that did not parse, and fragmented frames lost to a gap.</summary>
    public long Dropped { get; private set; }

    /// <summary>Sequence numbers that never arrived.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Forgets any partial frame and the sequence state (a new FFmpeg run, a new generation).</summary>
    public void Reset()
    {
        _fragmentSize = _fragmentLength = 0;
        _haveSequence = false;
    }

    /// <summary>Handles one RTP packet (header included).</summary>
    public void Push(ReadOnlySpan<byte> rtpPacket)
    {
        if (!RtpHeader.TryRead(rtpPacket, out RtpHeader header) || header.PayloadLength <= 0)
        {
            Dropped++;
            return;
        }

        if (_haveSequence && header.Ssrc == _ssrc && header.SequenceNumber != _nextSequence)
        {
            short gap = unchecked((short)(header.SequenceNumber - _nextSequence));
            if (gap < 0)
            {
                Dropped++; // late or duplicate: its frame was either handed on or given up already
                return;
            }

            LostPackets += gap;
            AbandonFragment();
        }
        else if (_haveSequence && header.Ssrc != _ssrc)
        {
            AbandonFragment();
        }

        _haveSequence = true;
        _ssrc = header.Ssrc;
        _nextSequence = unchecked((ushort)(header.SequenceNumber + 1));
        if (!TryReadPayload(rtpPacket.Slice(header.HeaderLength, header.PayloadLength), header))
        {
            Dropped++;
            AbandonFragment();
        }
    }

    private bool TryReadPayload(ReadOnlySpan<byte> payload, in RtpHeader header)
    {
        if (payload.Length < AuHeadersLengthSize)
        {
            return false;
        }

        int headerBits = BinaryPrimitives.ReadUInt16BigEndian(payload);
        int headerBytes = (headerBits + 7) / 8;
        if (headerBits == 0 || headerBits % AuHeaderBits != 0 || payload.Length < AuHeadersLengthSize + headerBytes)
        {
            return false;
        }

        ReadOnlySpan<byte> headers = payload.Slice(AuHeadersLengthSize, headerBytes);
        ReadOnlySpan<byte> data = payload[(AuHeadersLengthSize + headerBytes)..];
        int count = headerBits / AuHeaderBits;
        if (count == 1)
        {
            int size = BinaryPrimitives.ReadUInt16BigEndian(headers) >> IndexBits;
            if (size > data.Length || _fragmentSize != 0)
            {
                return TryReadFragment(size, data, header);
            }
        }
        else if (_fragmentSize != 0)
        {
            return false; // several AUs cannot continue a fragment
        }

        // Check every size first, so a packet that lies about them hands on nothing rather than half of its frames.
        int total = 0;
        for (int i = 0; i < count; i++)
        {
            total += BinaryPrimitives.ReadUInt16BigEndian(headers[(2 * i)..]) >> IndexBits;
        }

        if (total > data.Length)
        {
            return false;
        }

        uint timestamp = header.Timestamp;
        for (int i = 0; i < count; i++)
        {
            ushort auHeader = BinaryPrimitives.ReadUInt16BigEndian(headers[(2 * i)..]);
            int size = auHeader >> IndexBits;
            if (i > 0)
            {
                // AU-Index-delta: the index grows by delta + 1; without interleaving (FFmpeg, cameras) it is 0.
                timestamp += (uint)(((auHeader & 0x7) + 1) * Audio.AacConfig.SamplesPerFrame);
            }

            if (size > 0)
            {
                Frames++;
                _sink.OnAacFrame(data[..size], timestamp, header.Ssrc);
            }

            data = data[size..];
        }

        return true;
    }

    private bool TryReadFragment(int size, ReadOnlySpan<byte> data, in RtpHeader header)
    {
        if (_fragmentSize == 0)
        {
            if (size == 0 || size > MaxFrameBytes)
            {
                return false;
            }

            _fragmentSize = size;
            _fragmentTimestamp = header.Timestamp;
            _fragmentLength = 0;
        }
        else if (size != _fragmentSize || header.Timestamp != _fragmentTimestamp)
        {
            // Not the continuation of the AU in progress (its last fragment was lost): that AU is gone; this packet
            // may start the next one.
            AbandonFragment();
            return size > data.Length ? TryReadFragment(size, data, header) : TryReadPayloadAgain(size, data, header);
        }

        if (_fragmentLength + data.Length > _fragmentSize)
        {
            AbandonFragment();
            return false;
        }

        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength += data.Length;
        if (header.Marker || _fragmentLength == _fragmentSize)
        {
            bool complete = _fragmentLength == _fragmentSize;
            int length = _fragmentLength;
            _fragmentSize = _fragmentLength = 0;
            if (!complete)
            {
                return false; // the marker came early: the AU is shorter than announced
            }

            Frames++;
            _sink.OnAacFrame(_fragment.AsSpan(0, length), _fragmentTimestamp, header.Ssrc);
        }

        return true;
    }

    /// <summary>A single complete AU that arrived while a fragment was open (and abandoned).</summary>
    private bool TryReadPayloadAgain(int size, ReadOnlySpan<byte> data, in RtpHeader header)
    {
        if (size > 0)
        {
            Frames++;
            _sink.OnAacFrame(data[..size], header.Timestamp, header.Ssrc);
        }

        return true;
    }

    private void AbandonFragment()
    {
        if (_fragmentSize != 0)
        {
            Dropped++;
        }

        _fragmentSize = _fragmentLength = 0;
    }
}
