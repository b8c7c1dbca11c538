using System.Globalization;
using System.Text.RegularExpressions;

namespace CamStudio.Media.Audio;

/// <summary>
/// A camera's AAC-LC stream as HLS needs to describe it: the sample rate (the fMP4 audio timescale and the RTP clock
/// of RFC 3640) and the channel count. For AAC-LC these two fully determine the 2-byte AudioSpecificConfig
/// (ISO/IEC 14496-3 §1.6.2.1), which is why FFmpeg's description of the camera's input is a sufficient source.
/// </summary>
/// <param name="SampleRate">Samples per second, one of the 13 AAC sampling frequencies.</param>
/// <param name="Channels">1 to 7 (channelConfiguration 1-6, 8 written as 7); 0 or more is refused.</param>
public readonly partial record struct AacConfig(int SampleRate, int Channels)
{
    /// <summary>Bytes of an AAC-LC AudioSpecificConfig without extensions.</summary>
    public const int AudioSpecificConfigLength = 2;

    /// <summary>PCM samples per AAC-LC frame (the fMP4 sample duration in the audio timescale).</summary>
    public const int SamplesPerFrame = 1024;

    /// <summary>The HLS CODECS value of AAC-LC (RFC 6381: mp4a, objectTypeIndication 0x40, audio object type 2).</summary>
    public const string Codecs = "mp4a.40.2";

    private const int AacLcObjectType = 2;

    // ISO/IEC 14496-3 Table 1.18, samplingFrequencyIndex 0-12.
    private static readonly int[] s_sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>True when the config can be written (a standard rate, 1-8 channels as channelConfiguration knows them).</summary>
    public bool IsValid => Array.IndexOf(s_sampleRates, SampleRate) >= 0 && ChannelConfiguration > 0;

    private int ChannelConfiguration => Channels switch
    {
        >= 1 and <= 6 => Channels,
        8 => 7, // 7.1: channelConfiguration 7 is eight channels
        _ => 0,
    };

    /// <summary>
    /// Writes the AudioSpecificConfig: audioObjectType(5) = 2 | samplingFrequencyIndex(4) | channelConfiguration(4) |
    /// GASpecificConfig: frameLengthFlag 0 (1024), dependsOnCoreCoder 0, extensionFlag 0.
    /// </summary>
    public bool TryWriteAudioSpecificConfig(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int index = Array.IndexOf(s_sampleRates, SampleRate);
        if (index < 0 || ChannelConfiguration == 0 || destination.Length < AudioSpecificConfigLength)
        {
            return false;
        }

        int bits = (AacLcObjectType << 11) | (index << 7) | (ChannelConfiguration << 3);
        destination[0] = (byte)(bits >> 8);
        destination[1] = (byte)bits;
        bytesWritten = AudioSpecificConfigLength;
        return true;
    }

    /// <summary>
    /// Reads FFmpeg's description of an AAC-LC input stream, e.g.
    /// "Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp". Other profiles (HE-AAC's SBR/PS change the config and
    /// the frame length) and other codecs give false: HLS then stays video only.
    /// </summary>
    public static bool TryParseFfmpegStreamLine(string? line, out AacConfig config)
    {
        config = default;
        if (string.IsNullOrEmpty(line))
        {
            return false;
        }

        Match match = AacLine().Match(line);
        if (!match.Success
            || !int.TryParse(match.Groups["rate"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int rate))
        {
            return false;
        }

        int channels = match.Groups["layout"].Value switch
        {
            "mono" => 1,
            "stereo" => 2,
            "5.1" or "5.1(side)" => 6,
            "7.1" => 8,
            _ => 0,
        };
        config = new AacConfig(rate, channels);
        return config.IsValid;
    }

    [GeneratedRegex(@"Stream #\d+:\d+(?:\[0x[0-9a-fA-F]+\])?(?:\([^)]*\))?: Audio: aac \(LC\)(?: \([^)]*\))?, (?<rate>\d{4,6}) Hz, (?<layout>[^,]+),",
        RegexOptions.CultureInvariant)]
    private static partial Regex AacLine();
}
