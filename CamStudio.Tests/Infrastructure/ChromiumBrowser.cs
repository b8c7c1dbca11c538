using Microsoft.Playwright;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Microsoft.Playwright. The Playwright package ships its own driver (copied next to the
/// test assembly under .playwright/), so nothing is downloaded and `playwright install` is never needed; the browser
/// itself comes from the chromium Debian package.
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    /// <summary>Debian's chromium (a wrapper script around the real binary); $CAMSTUDIO_CHROMIUM overrides it.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CAMSTUDIO_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>
    /// Flags for a quiet, deterministic headless browser: no sandbox (tests run as root), no GPU, no background
    /// traffic, and real host addresses in ICE candidates instead of mDNS names (nothing resolves .local here).
    /// </summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
    ];

    private readonly IPlaywright _playwright;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>The launched browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Launches headless Chromium; fails with an install hint when the browser is missing.</summary>
    public static async Task<ChromiumBrowser> LaunchAsync(CancellationToken cancellationToken = default)
    {
        string executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium not found at {executable}: install it with scripts/install-deps.sh test (scripts/test.sh does it).");
        }

        IPlaywright playwright = await Playwright.CreateAsync().WaitAsync(cancellationToken);
        try
        {
            IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            }).WaitAsync(cancellationToken);
            return new ChromiumBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page in a fresh context (own cookies and storage).</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        IBrowserContext context = await Browser.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot to the test artifacts folder and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        string path = Path.Combine(RepositoryPaths.Artifacts, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
