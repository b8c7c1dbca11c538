using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

/// <summary>
/// Issue 15: a camera's microphone in a real Chromium, through FFmpeg (AAC transcoded to Opus, G.711 passed through;
/// the video still copied) and our WebRTC sender. Tiles start muted; the speaker button makes them audible.
/// </summary>
[Collection(UiEndToEndCollection.Name)]
public sealed class AudioTileTests(UiEndToEndFixture e2e) : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => e2e.DeleteAllCamerasAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(RtspTestAudio.Aac, "audio/opus")]
    [InlineData(RtspTestAudio.Pcma, "audio/opus")] // the first run transcodes: the camera's codec is learned from it
    public async Task CameraWithAudio_StartsMuted_CountsItsAudio_AndTheSpeakerButtonMakesItAudible(RtspTestAudio microphone, string firstCodec)
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Audio = microphone, GopSeconds = 1 }, CancellationToken.None);
        int id = await e2e.CreateCameraAsync("Doorbell " + microphone, camera: camera, audio: true);
        IPage page = await e2e.OpenPageAsync("status");
        await LiveTileProbe.RecordPeerConnectionsAsync(page.Context);
        await e2e.GoToAsync(page, "");
        await e2e.WaitForTileDecodingAsync(page, id, s_deadline);

        ILocator tile = page.Locator($".live-tile[data-camera-id='{id}']");
        ILocator speaker = tile.Locator("[data-action=audio]");
        (await speaker.GetAttributeAsync("data-muted")).Should().Be("true");
        (await tile.Locator("video").EvaluateAsync<bool>("v => v.muted")).Should().BeTrue("tiles start muted");

        AudioStats muted = await WaitForAudioAsync(page, s => s.PacketsReceived > 50, "audio packets arrive while muted");
        muted.Codec.Should().Be(firstCodec);
        AudioStats stillMuted = await WaitForAudioAsync(page, s => s.PacketsReceived > muted.PacketsReceived + 25, "muted tiles still count their audio");

        await speaker.ClickAsync();
        await tile.Locator("[data-action=audio][data-muted=false]").WaitForAsync(new() { Timeout = 10_000 });
        (await tile.Locator("video").EvaluateAsync<bool>("v => v.muted")).Should().BeFalse("the click unmuted the tile");
        AudioStats audible = await WaitForAudioAsync(page,
            s => s.TotalAudioEnergy > stillMuted.TotalAudioEnergy + 0.01 && s.PacketsReceived > stillMuted.PacketsReceived + 25,
            "the tone is heard after unmuting");
        audible.TotalSamplesDuration.Should().BeGreaterThan(0);
        await UiEndToEndFixture.ScreenshotAsync(page, "live-audio-unmuted-" + microphone.ToString().ToLowerInvariant());

        // Closing the tile (leaving the page) ends the audio with the video: the server's session is gone.
        await page.Context.CloseAsync();
        await Eventually.WaitUntilAsync(async () => (await e2e.GetStatusAsync(id)).GetProperty("peer_connection_count").GetInt32() == 0,
            s_deadline, "the tile's session ended");
    }

    [Fact]
    public async Task G711Camera_IsPassedThroughUntouched_FromTheRunAfterTheOneThatHeardIt()
    {
        await using RtspTestCamera camera = await RtspTestCamera.StartAsync(
            new RtspTestCameraOptions { Audio = RtspTestAudio.Pcma, GopSeconds = 1 }, CancellationToken.None);
        int id = await e2e.CreateCameraAsync("Intercom", camera: camera, audio: true);

        // First run: FFmpeg cannot know the camera's codec before opening it, so it transcodes (to Opus) and learns.
        IPage first = await OpenRecordingPageAsync();
        await e2e.WaitForTileDecodingAsync(first, id, s_deadline);
        (await WaitForAudioAsync(first, s => s.PacketsReceived > 25, "first run's audio")).Codec.Should().Be("audio/opus");
        await first.Context.CloseAsync();
        await Eventually.WaitUntilAsync(async () => !(await e2e.GetStatusAsync(id)).GetProperty("is_running").GetBoolean(),
            s_deadline, "the stream stopped after its grace period");

        // Next run: the camera's G.711 goes out as it came, no transcode.
        IPage second = await OpenRecordingPageAsync();
        await e2e.WaitForTileDecodingAsync(second, id, s_deadline);
        AudioStats passed = await WaitForAudioAsync(second, s => s.PacketsReceived > 25, "second run's audio");
        passed.Codec.Should().Be("audio/PCMA");
        await second.Locator($".live-tile[data-camera-id='{id}'] [data-action=audio]").ClickAsync();
        await WaitForAudioAsync(second, s => s.TotalAudioEnergy > passed.TotalAudioEnergy + 0.01, "the passed-through tone is heard");
        await second.Context.CloseAsync();
    }

    private async Task<IPage> OpenRecordingPageAsync()
    {
        IPage page = await e2e.OpenPageAsync("status");
        await LiveTileProbe.RecordPeerConnectionsAsync(page.Context);
        await e2e.GoToAsync(page, "");
        return page;
    }

    private static async Task<AudioStats> WaitForAudioAsync(IPage page, Func<AudioStats, bool> condition, string what)
    {
        AudioStats? last = null;
        try
        {
            await Eventually.WaitUntilAsync(async () => (last = await ReadAudioAsync(page)) is { } s && condition(s), s_deadline, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last audio stats: {last}", ex);
        }

        return last!;
    }

    private static async Task<AudioStats?> ReadAudioAsync(IPage page)
    {
        JsonElement result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              for (const pc of (window.__csPeers ?? []).slice().reverse()) {
                if (pc.connectionState !== 'connected') continue;
                const report = await pc.getStats();
                let inbound = null;
                report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s; });
                if (!inbound) continue;
                const codec = inbound.codecId ? report.get(inbound.codecId) : null;
                return {
                  packetsReceived: inbound.packetsReceived ?? 0,
                  totalAudioEnergy: inbound.totalAudioEnergy ?? 0,
                  totalSamplesDuration: inbound.totalSamplesDuration ?? 0,
                  codec: codec?.mimeType ?? '',
                };
              }
              return null;
            }
            """);
        return result.ValueKind == JsonValueKind.Null
            ? null
            : new AudioStats(
                result.GetProperty("packetsReceived").GetDouble(),
                result.GetProperty("totalAudioEnergy").GetDouble(),
                result.GetProperty("totalSamplesDuration").GetDouble(),
                result.GetProperty("codec").GetString() ?? string.Empty);
    }

    private sealed record AudioStats(double PacketsReceived, double TotalAudioEnergy, double TotalSamplesDuration, string Codec);
}
