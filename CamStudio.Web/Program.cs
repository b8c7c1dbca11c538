using CamStudio.Core;
using CamStudio.Media;
using CamStudio.Web.Api;
using CamStudio.Web.Components;
using CamStudio.Web.Operations;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCamStudioCore(builder.Configuration);
builder.Services.AddCamStudioMedia(builder.Configuration);
builder.Services.AddCameraApi();
builder.Services.AddCamStudioOperations(builder.Configuration);
builder.Services.AddCamStudioUi();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}
app.UseCameraApiProblems();
app.UseWhen(context => !CameraApi.IsApiRequest(context),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseHttpsRedirection();

app.UseAntiforgery();
app.UseWebSockets();

app.UsePlayerScriptsFromSource();
app.MapStaticAssets();
app.MapOpenApi();
app.MapCameraApi();
app.MapCameraStreamApi();
app.MapCamStudioOperations();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
public partial class Program;
