namespace CamStudio.Tests.Web.Operations;

/// <summary>
/// `scripts/run.sh` serves the Release build output in the Production environment. Blazor's script, MudBlazor's files
/// and the player module must come with their content there, not as empty 200s (pages would render but never become
/// interactive, and the live tiles would never play).
/// </summary>
public sealed class StaticAssetsTests : IAsyncLifetime
{
    private CamStudioAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new CamStudioAppFactory(new Dictionary<string, string?> { ["environment"] = "Production" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/_framework/blazor.web.js", "Blazor")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", ".mud-")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "mud")]
    [InlineData("/js/player.js", "export")]
    [InlineData("/js/vendor/hls.js/hls.light.min.js", "export")]
    [InlineData("/app.css", ".live-")]
    public async Task A_production_run_serves_every_file_the_pages_need_with_its_content(string path, string expected)
    {
        using HttpClient anonymous = _app.CreateDefaultClient();

        using HttpResponseMessage response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(200, path);
        body.Should().Contain(expected, "{0} must not be served empty", path);
        if (path.StartsWith("/js/", StringComparison.Ordinal))
        {
            // A module script without a JavaScript content type is refused by the browser (strict MIME checking).
            response.Content.Headers.ContentType?.MediaType.Should().Be("text/javascript", path);
        }
    }
}
