using CamStudio.Core;
using CamStudio.Core.Webhooks;
using CamStudio.Media;
using CamStudio.Web.Api;
using CamStudio.Web.Cluster;
using CamStudio.Web.Cluster.NodeAuth;
using CamStudio.Web.Components;
using CamStudio.Web.Composition;
using CamStudio.Web.Health;
using CamStudio.Web.Operations;
using CamStudio.Web.Security;

if (AccountCommandLine.IsCommand(args))
{
    Environment.ExitCode = await AccountCommandLine.RunAsync(args, Console.In, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
// Serve MudBlazor's and Blazor's own files from a build output in every environment (scripts/run.sh, the CI benchmark
// smoke run), not only in Development; a publish has them in wwwroot and no runtime manifest, so this is a no-op there.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddCamStudioCore(builder.Configuration);
builder.Services.AddCamStudioCluster(builder.Configuration);
builder.Services.AddCamStudioNotifications();
builder.Services.AddCamStudioMedia(builder.Configuration);
builder.Services.AddCamStudioComposition();
builder.Services.AddCamStudioHealth();
builder.Services.AddCameraApi(builder.Configuration);
builder.Services.AddCamStudioOperations(builder.Configuration);
builder.Services.AddCamStudioUi();
builder.Services.AddCamStudioSecurity();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

var app = builder.Build();

app.UseForwardedHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}
app.UseCameraApiProblems();
app.UseWhen(context => !SecuritySchemes.IsMachineRequest(context),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseHttpsRedirection();

app.UseCamStudioSecurity();
app.UseAntiforgery();
app.UseWebSockets();

app.UsePlayerScriptsFromSource();
app.MapStaticAssets().AllowAnonymous();
app.MapCameraApiDocument();
app.MapCameraApi();
app.MapCameraGroupApi();
app.MapCameraViewApi();
app.MapCameraStreamApi();
app.MapCameraHlsApi();
app.MapEventApi();
app.MapWebhookApi();
app.MapCameraSnapshotApi();
app.MapClusterNodeApi();
app.MapCamStudioOperations();
app.MapCamStudioAccountEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.RunAsync();
public partial class Program;
