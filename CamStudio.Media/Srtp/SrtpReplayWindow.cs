namespace CamStudio.Media.Srtp;

/// <summary>
/// Receiver-side state of one SSRC: the highest authenticated index and a 64-packet sliding replay
/// window behind it (RFC 3711 §3.3.2). For SRTP the index is the 48-bit ROC||SEQ, so the ROC and
/// s_l of RFC 3711 §3.3.1 are its upper and lower bits; for SRTCP it is the 31-bit SRTCP index.
/// A mutable struct kept inside a dictionary and changed through refs: only <see cref="Accept"/>
/// mutates it, and the context calls that only after authentication succeeded.
/// </summary>
internal struct SrtpReplayWindow
{
    internal const int Size = 64;

    /// <summary>Highest authenticated index seen so far.</summary>
    public ulong HighestIndex;

    /// <summary>Bit n set = index HighestIndex - n was received.</summary>
    public ulong Seen;

    public static SrtpReplayWindow StartAt(ulong index) => new() { HighestIndex = index, Seen = 1 };

    /// <summary>True when <paramref name="index"/> is neither a replay nor older than the window.</summary>
    public readonly bool IsFresh(ulong index)
    {
        if (index > HighestIndex)
        {
            return true;
        }

        ulong behind = HighestIndex - index;
        return behind < Size && (Seen & (1UL << (int)behind)) == 0;
    }

    /// <summary>Records an authenticated index (call only after <see cref="IsFresh"/> and authentication).</summary>
    public void Accept(ulong index)
    {
        if (index > HighestIndex)
        {
            ulong ahead = index - HighestIndex;
            Seen = ahead >= Size ? 1 : (Seen << (int)ahead) | 1;
            HighestIndex = index;
        }
        else
        {
            Seen |= 1UL << (int)(HighestIndex - index);
        }
    }

    /// <summary>
    /// RFC 3711 §3.3.1 / Appendix A: the packet index a sequence number most likely belongs to, given
    /// the highest index so far. Returns -1 when the guess falls before ROC 0 or past ROC 2^32 - 1.
    /// </summary>
    internal static long EstimateIndex(ulong highestIndex, ushort sequenceNumber)
    {
        long rolloverCounter = (long)(highestIndex >> 16);
        int highestSequence = (int)(highestIndex & 0xFFFF);
        long guess;
        if (highestSequence < 32_768)
        {
            guess = sequenceNumber - highestSequence > 32_768 ? rolloverCounter - 1 : rolloverCounter;
        }
        else
        {
            guess = highestSequence - 32_768 > sequenceNumber ? rolloverCounter + 1 : rolloverCounter;
        }

        return guess is < 0 or > uint.MaxValue ? -1 : (guess << 16) | sequenceNumber;
    }
}
