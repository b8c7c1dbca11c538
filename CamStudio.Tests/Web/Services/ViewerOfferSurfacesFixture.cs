using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CamStudio.Core.Accounts;
using CamStudio.Media.Streaming;
using CamStudio.Tests.Infrastructure;
using CamStudio.Tests.Media.Sdp;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Services;

/// <summary>
/// One app for the offer-surface table: a demo camera (real FFmpeg test pattern), a camera on the real RTSP test camera
/// with a wrong password that is already known to refuse it, a demo camera another cluster node serves (the stream
/// admission refuses it, as a node without its lease would), a small offer budget and session cap, and ICE servers.
/// </summary>
public sealed class ViewerOfferSurfacesFixture : IAsyncLifetime
{
    public const int OffersPerMinute = 4;
    public const int MaxSessionsPerUser = 2;
    public const string StunUrl = "stun:10.213.0.2:3478";
    public const string TurnUrl = "turn:10.213.0.2:3478?transport=udp";
    public const string TurnUser = "camstudio";
    public const string TurnCredential = "turn \"secret\"";

    private int _users;

    public CamStudioAppFactory App { get; private set; } = null!;

    public RtspTestCamera Camera { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public int DemoCameraId { get; private set; }

    public int WrongPasswordCameraId { get; private set; }

    /// <summary>A demo camera this node may not pull: its streams are another node's (<see cref="IStreamAdmission"/>).</summary>
    public int ElsewhereCameraId { get; private set; }

    private RefuseOneCamera Admission { get; } = new();

    public IServiceProvider Services => App.Services;

    public async Task InitializeAsync()
    {
        Camera = await RtspTestCamera.StartAsync(new RtspTestCameraOptions(), CancellationToken.None);
        App = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Security:OffersPerMinute"] = OffersPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Security:MaxViewerSessionsPerUser"] = MaxSessionsPerUser.ToString(CultureInfo.InvariantCulture),
            // Long, so the camera that refuses its password stays known as such for the whole table.
            ["Streams:GracePeriod"] = "00:10:00",
            ["WebRtc:IceServers:0:Urls:0"] = StunUrl,
            ["WebRtc:IceServers:1:Urls:0"] = TurnUrl,
            ["WebRtc:IceServers:1:Username"] = TurnUser,
            ["WebRtc:IceServers:1:Credential"] = TurnCredential,
        }, services => services.AddSingleton<IStreamAdmission>(Admission));
        Admin = App.CreateClient();
        using HttpResponseMessage demo = await Admin.PostAsJsonAsync("/api/cameras/create", new { name = "Demo", source = "demo" });
        DemoCameraId = (await demo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();
        WrongPasswordCameraId = await Admin.CreateRtspCameraAsync(Camera, "Wrong password", "not-the-password", "stream2");
        using HttpResponseMessage elsewhere = await Admin.PostAsJsonAsync("/api/cameras/create", new { name = "Elsewhere", source = "demo" });
        ElsewhereCameraId = (await elsewhere.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("camera_id").GetInt32();
        Admission.RefusedCameraId = ElsewhereCameraId;

        // The first viewer of a stopped camera gets a session (nobody knows yet that the password is wrong); it starts
        // FFmpeg, which learns the truth. From then on the table's offers meet a camera known to refuse.
        ClaimsPrincipal setup = await PrincipalAsync(await CreateUserAsync(CamStudioRoles.Admin));
        ViewerOfferOutcome first = await Services.GetRequiredService<ViewerOfferService>()
            .OfferAsync(setup, WrongPasswordCameraId, SdpFixtures.Chrome126VideoOnly, "stream2", CancellationToken.None);
        first.Error.Should().BeNull(first.Detail);
        await Admin.WaitForStatusAsync(WrongPasswordCameraId, s => s.GetProperty("state").GetString() == "auth_failed",
            TimeSpan.FromSeconds(20), "the camera refuses the wrong password");
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Camera is not null)
        {
            await Camera.DisposeAsync();
        }
    }

    /// <summary>A fresh account in <paramref name="role"/>: its own offer budget and session cap.</summary>
    public async Task<TestUser> CreateUserAsync(string role)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"user{Interlocked.Increment(ref _users)}");
        string token = await TestAccounts.CreateUserWithTokenAsync(Services, name, role);
        string id = (await Services.GetRequiredService<UserAccountService>().FindIdByNameAsync(name, CancellationToken.None))!;
        return new TestUser(id, token);
    }

    /// <summary>The principal a signed-in page of <paramref name="user"/> has: Identity's own claims, roles included.</summary>
    public async Task<ClaimsPrincipal> PrincipalAsync(TestUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        UserManager<IdentityUser> users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        IdentityUser account = (await users.FindByIdAsync(user.Id))!;
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<IdentityUser>>().CreateAsync(account);
    }
}

/// <summary>Admits every camera but one, as a cluster node admits only the cameras whose lease it holds.</summary>
internal sealed class RefuseOneCamera : IStreamAdmission
{
    private volatile int _refused = -1;

    public int RefusedCameraId
    {
        get => _refused;
        set => _refused = value;
    }

    public bool MayRun(int cameraId) => cameraId != _refused;
}

/// <summary>An account made for one table row.</summary>
public sealed record TestUser(string Id, string Token);

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ViewerOfferSurfacesCollection : ICollectionFixture<ViewerOfferSurfacesFixture>
{
    public const string Name = "Viewer offer surfaces";
}
