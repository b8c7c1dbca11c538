using Microsoft.Playwright;

namespace CamStudio.Tests.Media.WebRtc;

/// <summary>
/// One RTCPeerConnection in a real Chromium page, receiving video the way the player does
/// (recvonly transceiver, muted autoplay video element), with getStats() read back for assertions.
/// </summary>
internal sealed class BrowserPeer : IAsyncDisposable
{
    private const string Script = """
        window.addEventListener('pagehide', () => window.cs.close());
        window.cs = {
          pc: null,
          video: null,
          async offer() {
            const pc = new RTCPeerConnection();
            this.pc = pc;
            const video = document.createElement('video');
            video.muted = true; video.autoplay = true; video.playsInline = true;
            document.body.appendChild(video);
            this.video = video;
            pc.ontrack = e => { video.srcObject = e.streams[0] || new MediaStream([e.track]); video.play().catch(() => {}); };
            pc.addTransceiver('video', { direction: 'recvonly' });
            await pc.setLocalDescription(await pc.createOffer());
            return pc.localDescription.sdp;
          },
          async answer(sdp) { await this.pc.setRemoteDescription({ type: 'answer', sdp }); },
          async stats() {
            const r = { framesDecoded: 0, frameWidth: 0, frameHeight: 0, nackCount: 0, pliCount: 0, freezeCount: 0,
                        packetsLost: 0, packetsReceived: 0, totalFreezesDuration: 0 };
            if (!this.pc) return r;
            (await this.pc.getStats()).forEach(s => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') {
                for (const k of Object.keys(r)) if (typeof s[k] === 'number') r[k] = s[k];
              }
            });
            r.connectionState = this.pc.connectionState;
            r.videoWidth = this.video ? this.video.videoWidth : 0;
            return r;
          },
          close() { if (this.pc) this.pc.close(); },
        };
        """;

    private readonly IPage _page;

    private BrowserPeer(IPage page) => _page = page;

    public IPage Page => _page;

    public static async Task<BrowserPeer> OpenAsync(IBrowserContext context)
    {
        IPage page = await context.NewPageAsync();
        await page.SetContentAsync("<!doctype html><html><body></body></html>");
        await page.EvaluateAsync(Script);
        return new BrowserPeer(page);
    }

    public Task<string> CreateOfferAsync() => _page.EvaluateAsync<string>("() => window.cs.offer()");

    public Task SetAnswerAsync(string sdp) => _page.EvaluateAsync("sdp => window.cs.answer(sdp)", sdp);

    public Task<PeerStats> GetStatsAsync() => _page.EvaluateAsync<PeerStats>("() => window.cs.stats()");

    public Task ClosePeerConnectionAsync() => _page.EvaluateAsync("() => window.cs.close()");

    public async ValueTask DisposeAsync()
    {
        if (!_page.IsClosed)
        {
            await _page.CloseAsync();
        }
    }
}

/// <summary>The inbound-rtp video stats Chromium reports (Playwright fills it from JSON, hence the setters).</summary>
internal sealed class PeerStats
{
    public double FramesDecoded { get; set; }

    public double FrameWidth { get; set; }

    public double FrameHeight { get; set; }

    public double NackCount { get; set; }

    public double PliCount { get; set; }

    public double FreezeCount { get; set; }

    public double PacketsLost { get; set; }

    public double PacketsReceived { get; set; }

    public double TotalFreezesDuration { get; set; }

    public string ConnectionState { get; set; } = "";

    public double VideoWidth { get; set; }

    public override string ToString() =>
        $"state={ConnectionState} decoded={FramesDecoded} {FrameWidth}x{FrameHeight} received={PacketsReceived} " +
        $"lost={PacketsLost} nack={NackCount} pli={PliCount} freezes={FreezeCount} ({TotalFreezesDuration:0.00} s)";
}
