using CamStudio.Media.Rtp;
using CamStudio.Media.Video;

namespace CamStudio.Media.Hls;

/// <summary>
/// What RFC 6184 (H.264) and RFC 7798 (H.265) depacketizing share: RTP packets of one stream back into whole access
/// units in Annex-B form, in one reused buffer. The subclass knows its payload formats (single NAL unit, aggregation,
/// fragmentation) and NAL header; this class owns sequence and SSRC tracking, the access unit boundaries, loss handling
/// and the buffer.
/// <para>
/// An access unit ends at the marker bit (<see cref="VideoPacketInfo.IsAccessUnitEnd"/>) or when the timestamp changes
/// (a camera that never sets the marker, or a lost marker packet). A sequence gap, a fragment that does not continue the
/// NAL unit it should, a malformed aggregate or an access unit over the size bound damages the access unit: it is
/// dropped, and so is everything after it until the next key frame, because a decoder cannot use a picture whose
/// reference it never got. Access units of parameter sets alone still pass while waiting, so a key frame that follows
/// them has them.
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
public abstract class RtpVideoDepacketizer
{
    /// <summary>Default bound of one access unit: far above a 4K key frame at camera bitrates, far below "unbounded".</summary>
    public const int DefaultMaxAccessUnitBytes = 4 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;
    private const int StartCodeLength = 4;

    private readonly IRtpAccessUnitSink _sink;
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

    private bool _waitForKeyFrame = true;
    private bool _needCleanStart;

    protected RtpVideoDepacketizer(IRtpAccessUnitSink sink, int maxAccessUnitBytes)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccessUnitBytes, 1024);
        _sink = sink;
        _maxAccessUnitBytes = maxAccessUnitBytes;
        _buffer = new byte[Math.Min(InitialBufferBytes, maxAccessUnitBytes)];
    }

    /// <summary>The codec this depacketizer takes; every access unit it hands out says so.</summary>
    public abstract VideoCodec Codec { get; }

    /// <summary>Access units handed to the sink.</summary>
    public long AccessUnits { get; private set; }

    /// <summary>Access units dropped: damaged, or pictures while waiting for a key frame after damage.</summary>
    public long DroppedAccessUnits { get; private set; }

    /// <summary>Packets the sequence numbers say never arrived.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Replayed packets ignored because their sequence number was already handled.</summary>
    public long DuplicatePackets { get; private set; }

    /// <summary>Datagrams that are not RTP, or carry a payload type this depacketizer does not take.</summary>
    public long IgnoredPackets { get; protected set; }

    /// <summary>
    /// The NAL unit type of the fragmented NAL unit being reassembled, -1 when none is. An access unit that ends with
    /// one open lacks its end fragment and is dropped.
    /// </summary>
    protected int FragmentType { get; set; } = -1;

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
            // A new sender (FFmpeg restarted): nothing of the old stream can be completed, and the new stream's
            // pictures do not refer to the old ones.
            Discard();
            _haveSequence = false;
            _waitForKeyFrame = true;
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
            _waitForKeyFrame = true;
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

    /// <summary>Forgets everything, as for a new stream; the next access unit handed out will be a key frame.</summary>
    public void Reset()
    {
        Discard();
        _haveSsrc = false;
        _haveSequence = false;
        _waitForKeyFrame = true;
        _needCleanStart = false;
    }

    /// <summary>
    /// Appends the NAL units of one RTP payload (at least one byte); false when the payload is malformed or breaks a
    /// fragmented NAL unit, which damages the access unit. Payload types the format does not take are counted in
    /// <see cref="IgnoredPackets"/> and return true.
    /// </summary>
    protected abstract bool TryAppendPayload(ReadOnlySpan<byte> payload);

    /// <summary>
    /// After a loss the first packet of the next access unit may itself be gone: true only when this payload visibly
    /// begins an access unit (a delimiter, parameter set or SEI first, or the first slice of a picture).
    /// </summary>
    protected abstract bool StartsAccessUnit(ReadOnlySpan<byte> payload);

    /// <summary>Appends one whole NAL unit (header included) after a start code; false past the bound.</summary>
    protected bool TryAppendNal(ReadOnlySpan<byte> nal)
    {
        if (!TryReserve(StartCodeLength + nal.Length))
        {
            return false;
        }

        WriteStartCode();
        nal.CopyTo(_buffer.AsSpan(_length));
        _length += nal.Length;
        return true;
    }

    /// <summary>Starts a fragmented NAL unit: a start code, the rebuilt NAL header and the first data; false past the bound.</summary>
    protected bool TryBeginFragment(ReadOnlySpan<byte> nalHeader, ReadOnlySpan<byte> data)
    {
        if (!TryReserve(StartCodeLength + nalHeader.Length + data.Length))
        {
            return false;
        }

        WriteStartCode();
        nalHeader.CopyTo(_buffer.AsSpan(_length));
        _length += nalHeader.Length;
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        return true;
    }

    /// <summary>Appends the data of a middle or end fragment; false past the bound.</summary>
    protected bool TryContinueFragment(ReadOnlySpan<byte> data)
    {
        if (!TryReserve(data.Length))
        {
            return false;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        return true;
    }

    /// <summary>Records what a NAL unit of the open access unit is: a coded picture, and a key frame at that.</summary>
    protected void NoteNal(bool isPicture, bool isKeyFrame)
    {
        _hasPicture |= isPicture;
        _isKeyFrame |= isKeyFrame;
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

        bool damaged = _damaged || FragmentType >= 0; // a fragmented NAL unit without its end fragment
        if (damaged)
        {
            DroppedAccessUnits++;
            _waitForKeyFrame = true;
        }
        else if (_length > 0)
        {
            if (_waitForKeyFrame && _hasPicture && !_isKeyFrame)
            {
                DroppedAccessUnits++;
            }
            else
            {
                _waitForKeyFrame &= !_isKeyFrame;
                AccessUnits++;
                _sink.OnAccessUnit(new RtpAccessUnit(_buffer.AsSpan(0, _length), _timestamp, _ssrc, _isKeyFrame, _hasPicture, Codec));
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
        FragmentType = -1;
        _length = 0;
    }
}
