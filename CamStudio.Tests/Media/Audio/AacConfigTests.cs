using CamStudio.Media.Audio;

namespace CamStudio.Tests.Media.Audio;

public sealed class AacConfigTests
{
    [Theory]
    [InlineData("[info]   Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp", 16000, 1, new byte[] { 0x14, 0x08 })]
    [InlineData("  Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp", 48000, 2, new byte[] { 0x11, 0x90 })]
    [InlineData("  Stream #0:1: Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s", 44100, 2, new byte[] { 0x12, 0x10 })]
    public void Ffmpeg_aac_lc_lines_give_the_audio_specific_config(string line, int rate, int channels, byte[] asc)
    {
        // ISO/IEC 14496-3 §1.6.2.1: objectType 2 (5 bits) | frequency index (4) | channel configuration (4) | 000.
        AacConfig.TryParseFfmpegStreamLine(line, out AacConfig config).Should().BeTrue();
        config.Should().Be(new AacConfig(rate, channels));
        byte[] written = new byte[2];
        config.TryWriteAudioSpecificConfig(written, out int length).Should().BeTrue();
        written.AsSpan(0, length).ToArray().Should().Equal(asc);
    }

    [Theory]
    [InlineData("  Stream #0:1: Audio: aac (HE-AAC), 48000 Hz, stereo, fltp")]
    [InlineData("  Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s")]
    [InlineData("  Stream #0:1: Audio: aac (LC), 12345 Hz, mono, fltp")]
    [InlineData("  Stream #0:1: Audio: aac (LC), 16000 Hz, quad, fltp")]
    [InlineData("")]
    public void Anything_else_is_not_carried(string line) =>
        AacConfig.TryParseFfmpegStreamLine(line, out _).Should().BeFalse();
}
