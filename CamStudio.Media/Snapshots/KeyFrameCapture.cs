using CamStudio.Media.Hls;
using CamStudio.Media.Video;

namespace CamStudio.Media.Snapshots;

/// <summary>A key frame in Annex-B form: the parameter sets (H.264 SPS/PPS, H.265 VPS/SPS/PPS) and the key picture.</summary>
/// <param name="AnnexB">Start-code separated NAL units, parameter sets first; enough for a decoder to show one picture.</param>
/// <param name="Codec">H.264 or H.265.</param>
public sealed record KeyFrame(byte[] AnnexB, VideoCodec Codec);

/// <summary>
/// A packet sink that keeps the first whole key frame it is given. Subscribed to a running camera's
/// <see cref="IVideoStreamSource"/>, it is handed the cached GOP first, which starts at the last key frame, so it usually
/// completes during <see cref="IVideoStreamSource.Subscribe"/>; while there is no cached GOP it completes at the
/// camera's next key frame. The depacketizer (the LL-HLS one) drops damaged access units, so what it keeps decodes.
/// </summary>
/// <remarks>
/// Runs on the source's receive thread under its fan-out lock: it only copies bytes. Parameter sets that arrive as their
/// own access unit are kept and put in front of the picture. Allocates per packet only until the key frame is complete
/// (a subscription lives for one snapshot), after that it ignores everything.
/// </remarks>
public sealed class KeyFrameCapture : IVideoPacketSink, IRtpAccessUnitSink
{
    private readonly TaskCompletionSource<KeyFrame> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _parameterSets = new();
    private RtpVideoDepacketizer? _depacketizer;

    /// <summary>Completes with the first complete key frame.</summary>
    public Task<KeyFrame> KeyFrame => _done.Task;

    /// <inheritdoc/>
    public void OnPacket(ReadOnlySpan<byte> rtpPacket, in VideoPacketInfo info)
    {
        if (_done.Task.IsCompleted)
        {
            return;
        }

        if (_depacketizer is null || _depacketizer.Codec != info.Codec)
        {
            _depacketizer = info.Codec == VideoCodec.H265 ? new H265RtpDepacketizer(this) : new H264RtpDepacketizer(this);
            _parameterSets.SetLength(0);
        }

        _depacketizer.Push(rtpPacket, info);
    }

    /// <inheritdoc/>
    public void OnAccessUnit(in RtpAccessUnit accessUnit)
    {
        if (_done.Task.IsCompleted)
        {
            return;
        }

        if (!accessUnit.HasPicture)
        {
            // Parameter sets alone (a camera that marks them as an access unit of their own): the picture follows.
            _parameterSets.SetLength(0);
            _parameterSets.Write(accessUnit.AnnexB);
            return;
        }

        if (!accessUnit.IsKeyFrame)
        {
            return;
        }

        byte[] annexB = new byte[_parameterSets.Length + accessUnit.AnnexB.Length];
        _parameterSets.GetBuffer().AsSpan(0, (int)_parameterSets.Length).CopyTo(annexB);
        accessUnit.AnnexB.CopyTo(annexB.AsSpan((int)_parameterSets.Length));
        _done.TrySetResult(new KeyFrame(annexB, accessUnit.Codec));
    }
}
