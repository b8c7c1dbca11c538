using System.Buffers.Binary;
using CamStudio.Media.Rtp;
using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// RTP packets of one H.264 stream (RFC 6184, packetization-mode 1) back into whole access units in Annex-B form:
/// single NAL unit packets (types 1-23, §5.6), STAP-A (24, §5.7.1) and FU-A (28, §5.8). STAP-B, MTAP and FU-B belong to
/// interleaved mode and are dropped, as are types 0 and 29-31.
/// <para>
/// An access unit ends at the marker bit (<see cref="VideoPacketInfo.IsAccessUnitEnd"/>) or when the timestamp changes
/// (a camera that never sets the marker, or a lost marker packet). A sequence gap, an FU-A that does not continue the
/// NAL unit it should, a malformed aggregate or an access unit over the size bound damages the access unit: it is
/// dropped, and so is everything after it until the next IDR, because a decoder cannot use a P-frame whose reference
/// it never got. Access units of parameter sets alone still pass while waiting, so an IDR that follows them has them.
/// </para>
/// <para>
/// Cache replays: <c>VideoRtpSource</c> sends a new subscriber its cached GOP (IsFromCache) with the camera's own sequence
/// numbers, then live packets continuing those numbers, so the join is seamless. A later replay of the same GOP (a
/// resend to this sink) repeats numbers already seen; such replayed packets are duplicates and are ignored. A live
/// packet that goes backwards is treated as a loss.
/// </para>
/// Not thread-safe; one caller (the source's receive thread). Never throws on packet bytes; allocates only when the
/// buffer grows (by doubling, up to the bound).
/// </summary>
public sealed class H264RtpDepacketizer
{
    /// <summary>Default bound of one access unit: far above a 4K IDR at camera bitrates, far below "unbounded".</summary>
    public const int DefaultMaxAccessUnitBytes = 4 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;
    private const int TypeIdr = 5;
    private const int TypeSei = 6;
    private const int TypeSps = 7;
    private const int TypePps = 8;
    private const int TypeAccessUnitDelimiter = 9;
    private const int TypeStapA = 24;
    private const int TypeFuA = 28;
    private const int StartCodeLength = 4;
    private const int FuStartBit = 0x80;
    private const int FuEndBit = 0x40;

    private readonly IH264AccessUnitSink _sink;
    private readonly int _maxAccessUnitBytes;
    private byte[] _buffer;
    private int _length;

    private bool _haveSsrc;
    private uint _ssrc;
    private bool _haveSequence;
    private ushort _expectedSequence;

    private bool _open;
    private uint _timestamp;
    private bool _damaged;
    private bool _isKeyFrame;
    private bool _hasPicture;
    private int _fuType = -1; // NAL type of the FU-A being reassembled, -1 when none is

    private bool _waitForIdr = true;
    private bool _needCleanStart;

    public H264RtpDepacketizer(IH264AccessUnitSink sink, int maxAccessUnitBytes = DefaultMaxAccessUnitBytes)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccessUnitBytes, 1024);
        _sink = sink;
        _maxAccessUnitBytes = maxAccessUnitBytes;
        _buffer = new byte[Math.Min(InitialBufferBytes, maxAccessUnitBytes)];
    }

    /// <summary>Access units handed to the sink.</summary>
    public long AccessUnits { get; private set; }

    /// <summary>Access units dropped: damaged, or pictures while waiting for an IDR after damage.</summary>
    public long DroppedAccessUnits { get; private set; }

    /// <summary>Packets the sequence numbers say never arrived.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Replayed packets ignored because their sequence number was already handled.</summary>
    public long DuplicatePackets { get; private set; }

    /// <summary>Datagrams that are not RTP, or carry a payload type of RFC 6184 this does not take.</summary>
    public long IgnoredPackets { get; private set; }

    /// <summary>Hands one RTP packet (the whole packet, header included) to the depacketizer.</summary>
    public void Push(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
    {
        if (!RtpHeader.TryRead(rtpPacket, out RtpHeader header) || header.PayloadLength <= 0)
        {
            IgnoredPackets++;
            return;
        }

        if (_haveSsrc && header.Ssrc != _ssrc)
        {
            // A new sender (FFmpeg restarted): nothing of the old stream can be completed, and the new stream's P-frames
            // do not refer to the old pictures.
            Discard();
            _haveSequence = false;
            _waitForIdr = true;
            _needCleanStart = false;
        }

        _haveSsrc = true;
        _ssrc = header.Ssrc;
        if (_haveSequence && header.SequenceNumber != _expectedSequence)
        {
            short distance = unchecked((short)(header.SequenceNumber - _expectedSequence));
            if (distance < 0 && info.IsFromCache)
            {
                DuplicatePackets++;
                return;
            }

            LostPackets += Math.Max((int)distance, 1);
            _damaged |= _open;
            _needCleanStart = true;
            _waitForIdr = true;
        }

        _haveSequence = true;
        _expectedSequence = unchecked((ushort)(header.SequenceNumber + 1));

        ReadOnlySpan<byte> payload = rtpPacket.Slice(header.HeaderLength, header.PayloadLength);
        if (_open && header.Timestamp != _timestamp)
        {
            End();
        }

        if (!_open)
        {
            _open = true;
            _timestamp = header.Timestamp;
            _damaged = _needCleanStart && !StartsAccessUnit(payload);
            _needCleanStart = false;
        }

        if (!_damaged)
        {
            _damaged = !TryAppendPayload(payload);
        }

        if (info.IsAccessUnitEnd)
        {
            End();
        }
    }

    /// <summary>Forgets everything, as for a new stream; the next access unit handed out will be an IDR.</summary>
    public void Reset()
    {
        Discard();
        _haveSsrc = false;
        _haveSequence = false;
        _waitForIdr = true;
        _needCleanStart = false;
    }

    private bool TryAppendPayload(ReadOnlySpan<byte> payload)
    {
        int type = payload[0] & 0x1F;
        if (type is > 0 and < TypeStapA)
        {
            return _fuType < 0 && TryAppendNal(payload);
        }

        if (type == TypeStapA)
        {
            return _fuType < 0 && TryAppendStapA(payload[1..]);
        }

        if (type == TypeFuA)
        {
            return TryAppendFuA(payload);
        }

        IgnoredPackets++;
        return true;
    }

    // STAP-A (RFC 6184 §5.7.1): after the STAP-A NAL header, each aggregated NAL unit as a 16-bit size and the unit.
    //  0                   1                   2                   3
    // |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
    // |                         NALU 1 Data ...       | NALU 2 Size   | ...
    private bool TryAppendStapA(ReadOnlySpan<byte> units)
    {
        // Validate the whole aggregate first so a malformed one adds nothing half-way.
        ReadOnlySpan<byte> rest = units;
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            if (rest.Length < 3)
            {
                return false;
            }

            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (size == 0 || size > rest.Length - 2)
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        rest = units;
        while (!rest.IsEmpty)
        {
            int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
            if (!TryAppendNal(rest.Slice(2, size)))
            {
                return false;
            }

            rest = rest[(2 + size)..];
        }

        return true;
    }

    // FU-A (RFC 6184 §5.8): FU indicator (F, NRI, type 28), FU header (S, E, R, type of the fragmented NAL unit), data.
    // The NAL header is rebuilt from the indicator's F/NRI and the header's type.
    private bool TryAppendFuA(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            return false;
        }

        byte fuHeader = payload[1];
        int nalType = fuHeader & 0x1F;
        bool start = (fuHeader & FuStartBit) != 0;
        bool end = (fuHeader & FuEndBit) != 0;
        ReadOnlySpan<byte> data = payload[2..];
        if (start)
        {
            // §5.8: a start fragment while one is open, or one that is also the end, is a broken sender or a loss.
            if (_fuType >= 0 || end || !TryReserve(StartCodeLength + 1 + data.Length))
            {
                return false;
            }

            WriteStartCode();
            _buffer[_length++] = (byte)((payload[0] & 0xE0) | nalType);
            NoteNalType(nalType);
            _fuType = nalType;
        }
        else if (_fuType != nalType || !TryReserve(data.Length))
        {
            return false;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        if (end)
        {
            _fuType = -1;
        }

        return true;
    }

    private bool TryAppendNal(ReadOnlySpan<byte> nal)
    {
        if (!TryReserve(StartCodeLength + nal.Length))
        {
            return false;
        }

        WriteStartCode();
        nal.CopyTo(_buffer.AsSpan(_length));
        _length += nal.Length;
        NoteNalType(nal[0] & 0x1F);
        return true;
    }

    private void NoteNalType(int type)
    {
        _hasPicture |= type is >= 1 and <= TypeIdr;
        _isKeyFrame |= type == TypeIdr;
    }

    private void WriteStartCode()
    {
        _buffer.AsSpan(_length, StartCodeLength).Clear();
        _buffer[_length + 3] = 1;
        _length += StartCodeLength;
    }

    /// <summary>Makes room for <paramref name="bytes"/> more; false when the access unit would pass the bound.</summary>
    private bool TryReserve(int bytes)
    {
        long needed = (long)_length + bytes;
        if (needed > _maxAccessUnitBytes)
        {
            return false;
        }

        if (needed > _buffer.Length)
        {
            long size = _buffer.Length;
            while (size < needed)
            {
                size = Math.Min(size * 2, _maxAccessUnitBytes);
            }

            Array.Resize(ref _buffer, (int)size);
        }

        return true;
    }

    /// <summary>Ends the open access unit: hands it to the sink, or drops it.</summary>
    private void End()
    {
        if (!_open)
        {
            return;
        }

        bool damaged = _damaged || _fuType >= 0; // an FU-A without its end fragment
        if (damaged)
        {
            DroppedAccessUnits++;
            _waitForIdr = true;
        }
        else if (_length > 0)
        {
            if (_waitForIdr && _hasPicture && !_isKeyFrame)
            {
                DroppedAccessUnits++;
            }
            else
            {
                _waitForIdr &= !_isKeyFrame;
                AccessUnits++;
                _sink.OnAccessUnit(new H264RtpAccessUnit(_buffer.AsSpan(0, _length), _timestamp, _ssrc, _isKeyFrame, _hasPicture));
            }
        }

        Discard();
    }

    private void Discard()
    {
        _open = false;
        _damaged = false;
        _isKeyFrame = false;
        _hasPicture = false;
        _fuType = -1;
        _length = 0;
    }

    /// <summary>
    /// After a loss the first packet of the next access unit may itself be gone. Accept the access unit only if this
    /// packet visibly begins one (H.264 §7.4.1.2.3): an AUD, SEI, SPS or PPS first, or a slice with first_mb_in_slice = 0
    /// (its ue(v) is the single bit 1, so the first bit after the NAL header is set).
    /// </summary>
    private static bool StartsAccessUnit(ReadOnlySpan<byte> payload)
    {
        int type = payload[0] & 0x1F;
        ReadOnlySpan<byte> nal = payload;
        if (type == TypeStapA)
        {
            nal = payload.Length >= 4 ? payload[3..] : default;
        }
        else if (type == TypeFuA)
        {
            if (payload.Length < 3 || (payload[1] & FuStartBit) == 0)
            {
                return false;
            }

            return StartsAccessUnit(payload[1] & 0x1F, payload[2]);
        }

        return nal.Length >= 2 && StartsAccessUnit(nal[0] & 0x1F, nal[1]);
    }

    private static bool StartsAccessUnit(int nalType, byte firstPayloadByte) => nalType switch
    {
        TypeAccessUnitDelimiter or TypeSei or TypeSps or TypePps => true,
        >= 1 and <= TypeIdr => (firstPayloadByte & 0x80) != 0,
        _ => false,
    };
}
