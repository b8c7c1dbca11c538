using System.Globalization;
using CamStudio.Tests.Infrastructure;
using CamStudio.Web.Cluster;
using CamStudio.Web.Cluster.NodeAuth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Cluster;

/// <summary>
/// One whole CamStudio node of a two-node cluster in this process: the app (Program) on a real Kestrel port, which is its
/// advertised URL, on the shared PostgreSQL database and Redis, with the coordinator and node-to-node authentication
/// registered (what <c>AddCamStudioCluster</c> registers with <c>Cluster:Enabled=true</c>).
/// </summary>
internal sealed class ClusterAppNode : IAsyncDisposable
{
    private ClusterAppNode(string name, CamStudioAppFactory app, Uri url)
    {
        Name = name;
        App = app;
        Url = url;
        Client = new HttpClient { BaseAddress = url };
        TestAccounts.Authorize(Client, app.Services);
    }

    public string Name { get; }

    public CamStudioAppFactory App { get; }

    public Uri Url { get; }

    /// <summary>The seeded admin's client of this node.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public ClusterCoordinator Coordinator => Services.GetRequiredService<ClusterCoordinator>();

    /// <summary>Starts node <paramref name="name"/> and waits until its name is registered in the cluster.</summary>
    public static async Task<ClusterAppNode> StartAsync(string name, string connectionString, string redis, string channelPrefix)
    {
        int port = FreePort.Tcp();
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        var app = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CamStudio"] = connectionString,
            ["Cluster:Enabled"] = "true",
            ["Cluster:NodeName"] = name,
            ["Cluster:AdvertisedUrl"] = url.ToString(),
            ["Cluster:Redis"] = redis,
            ["Cluster:ChannelPrefix"] = channelPrefix,
            ["WebRtc:AdvertisedAddresses:0"] = "127.0.0.1",
        });
        app.UseKestrel(port);
        app.StartServer();
        var node = new ClusterAppNode(name, app, url);
        await Eventually.WaitUntilAsync(() => node.Coordinator.IsRegistered, TimeSpan.FromSeconds(20), $"node {name} registered");
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
