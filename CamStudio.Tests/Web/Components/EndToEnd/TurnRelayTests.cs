using System.Net;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CamStudio.Tests.Web.Components.EndToEnd;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TurnRelayCollection : ICollectionFixture<TurnRelayFixture>
{
    public const string Name = "TURN relay end to end";
}

/// <summary>
/// The operator UI with one ICE server: a real coturn on the namespace address that accepts only TURN REST credentials
/// minted from its shared secret. CamStudio is configured with the same secret and mints per viewer.
/// </summary>
public sealed class TurnRelayFixture : UiEndToEndFixture
{
    public const string Secret = "camstudio-relay-test-secret";

    /// <summary>coturn's port inside the private namespace (nothing else listens there).</summary>
    public const int TurnPort = 3478;

    private CoturnServer? _turn;

    public TurnRelayFixture()
        : base(new Dictionary<string, string?>
        {
            ["WebRtc:IceServers:0:Urls:0"] = $"turn:{TurnAddress}:{TurnPort}?transport=udp",
            ["WebRtc:IceServers:0:Secret"] = Secret,
            ["WebRtc:IceServers:0:CredentialLifetime"] = "01:00:00",
            // Both veth ends are local addresses of one namespace: a socket bound to any address would answer the relay
            // from 10.213.0.2 (the kernel's source for a local destination), which coturn has no permission for and
            // drops. Bound to its own address, as on a real LAN host, the server always answers from 10.213.0.1.
            ["WebRtc:BindAddress"] = "10.213.0.1",
        })
    {
    }

    public CoturnServer Turn => _turn ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The namespace's other veth end (scripts/netns-run.sh); the WebRTC server is on 10.213.0.1.</summary>
    private static IPAddress TurnAddress => IPAddress.Parse("10.213.0.2");

    protected override async Task StartPartsAsync()
    {
        _turn = await CoturnServer.StartAsync(TurnAddress, TurnPort, WebRtcHost, Secret);
        await base.StartPartsAsync();
    }

    protected override async Task StopPartsAsync()
    {
        await base.StopPartsAsync();
        if (_turn is not null)
        {
            await _turn.DisposeAsync();
        }
    }
}

/// <summary>
/// WebRTC through a TURN relay (issue 14 §3 and §4b): the browser is forced to <c>iceTransportPolicy: "relay"</c>, as a
/// network that blocks direct UDP would force it, and the tile still decodes — over coturn, with credentials CamStudio
/// minted from the shared secret. Wrongly minted credentials would get coturn's 401 and leave the tile without a
/// single candidate.
/// </summary>
[Collection(TurnRelayCollection.Name)]
public sealed class TurnRelayTests(TurnRelayFixture e2e)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ATileForcedToRelay_DecodesThroughCoturn_WithMintedCredentials()
    {
        int id = await e2e.CreateCameraAsync("Relay " + Guid.NewGuid().ToString("N")[..6]);
        IPage page = await e2e.OpenPageAsync("status");
        await LiveTileProbe.RecordPeerConnectionsAsync(page.Context, forceRelay: true);
        await e2e.GoToAsync(page, "");

        try
        {
            await e2e.WaitForTileDecodingAsync(page, id, s_deadline);
        }
        catch (TimeoutException ex)
        {
            // Say which hop failed: the browser's candidates and pairs, and what coturn saw.
            string ice = await page.EvaluateAsync<string>("""
                async () => JSON.stringify(await Promise.all(window.__csPeers.map(async p => [...(await p.getStats()).values()]
                  .filter(s => s.type.includes('candidate')).map(s => ({ t: s.type, c: s.candidateType, a: s.address, p: s.port, st: s.state, u: s.url })))))
                """);
            throw new TimeoutException($"{ex.Message}\nbrowser ICE: {ice}\ncoturn:\n{e2e.Turn.Output}", ex);
        }

        JsonElement servers = await page.EvaluateAsync<JsonElement>("() => window.__csPeers[0].getConfiguration().iceServers");
        servers.GetArrayLength().Should().Be(1);
        servers[0].GetProperty("username").GetString().Should().MatchRegex(@"^\d{10}:", "minted as expiry:user");
        servers[0].GetProperty("credential").GetString().Should().NotBe(TurnRelayFixture.Secret, "the secret never reaches the browser");

        // The pair the picture flows over: its local side is coturn's relayed address.
        JsonElement selected = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const pc = window.__csPeers.find(p => p.connectionState === 'connected');
              const stats = [...(await pc.getStats()).values()];
              const transport = stats.find(s => s.type === 'transport' && s.selectedCandidatePairId);
              const pair = stats.find(s => s.id === transport.selectedCandidatePairId);
              const local = stats.find(s => s.id === pair.localCandidateId);
              return { type: local.candidateType, address: local.address, relayProtocol: local.relayProtocol ?? null };
            }
            """);
        selected.GetProperty("type").GetString().Should().Be("relay", e2e.Turn.Output);
        selected.GetProperty("address").GetString().Should().Be(e2e.Turn.Address.ToString());
        await page.Context.CloseAsync();
    }
}
