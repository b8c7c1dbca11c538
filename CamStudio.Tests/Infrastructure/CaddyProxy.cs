using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CamStudio.Tests.Infrastructure;

/// <summary>
/// Debian's Caddy (installed by scripts/install-deps.sh) as the TLS reverse proxy the README recommends: HTTPS on a
/// loopback port with a certificate from Caddy's own local CA, proxying everything (pages, the Blazor WebSocket, the
/// API) to the app, with X-Forwarded-For/-Proto as any proxy sets them. HTTP/1.1 and HTTP/2 only (no QUIC listener on
/// every address), no admin endpoint, no change to the system trust store; state lives in a temporary directory.
/// </summary>
public sealed class CaddyProxy : IAsyncDisposable
{
    public const string Executable = "/usr/bin/caddy";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private CaddyProxy(ChildProcess process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    /// <summary>The proxy's public address, e.g. https://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public string Output => _process.Output;

    /// <summary>The Caddyfile for <paramref name="port"/> in front of <paramref name="upstream"/>; pure, so it can be read in a test.</summary>
    public static string BuildCaddyfile(int port, Uri upstream, string storageDirectory) =>
        BuildCaddyfile(IPAddress.Loopback, port, upstream, storageDirectory);

    /// <summary>As above, listening on <paramref name="address"/> (e.g. the namespace's other address, port 443).</summary>
    public static string BuildCaddyfile(IPAddress address, int port, Uri upstream, string storageDirectory)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(upstream);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            {
            	admin off
            	skip_install_trust
            	auto_https disable_redirects
            	storage file_system {{storageDirectory}}
            	servers {
            		protocols h1 h2
            	}
            }
            https://{{address}}:{{port}} {
            	bind {{address}}
            	tls internal
            	reverse_proxy {{upstream.Host}}:{{upstream.Port}}
            }
            """);
    }

    /// <summary>Starts Caddy in front of <paramref name="upstream"/> and waits until it answers /health/live over TLS.</summary>
    public static Task<CaddyProxy> StartAsync(Uri upstream) => StartAsync(upstream, IPAddress.Loopback, FreePort.Tcp());

    /// <summary>Starts Caddy on <paramref name="address"/>:<paramref name="port"/> in front of <paramref name="upstream"/>.</summary>
    public static async Task<CaddyProxy> StartAsync(Uri upstream, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(address);
        File.Exists(Executable).Should().BeTrue("scripts/install-deps.sh installs caddy");
        string directory = Path.Combine(Path.GetTempPath(), "camstudio-caddy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string caddyfile = Path.Combine(directory, "Caddyfile");
        await File.WriteAllTextAsync(caddyfile, BuildCaddyfile(address, port, upstream, Path.Combine(directory, "data")));
        ChildProcess process = ChildProcess.Start("/usr/bin/env",
        [
            // Caddy autosaves its configuration under XDG_CONFIG_HOME: keep that in the temporary directory too.
            "XDG_CONFIG_HOME=" + Path.Combine(directory, "config"), "XDG_DATA_HOME=" + Path.Combine(directory, "data"),
            Executable, "run", "--config", caddyfile, "--adapter", "caddyfile",
        ]);
        var proxy = new CaddyProxy(process, directory, new Uri(port == 443
            ? string.Create(CultureInfo.InvariantCulture, $"https://{address}/")
            : string.Create(CultureInfo.InvariantCulture, $"https://{address}:{port}/")));
        try
        {
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    process.Exited.IsCompleted.Should().BeFalse($"caddy exited early:\n{process.Output}");
                    if (!File.Exists(proxy.RootCertificatePath))
                    {
                        return false;
                    }

                    using HttpClient client = proxy.CreateHttpClient();
                    try
                    {
                        using HttpResponseMessage live = await client.GetAsync("health/live");
                        return live.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "caddy serves the app's /health/live over TLS");
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    private string RootCertificatePath => Path.Combine(_directory, "data", "pki", "authorities", "local", "root.crt");

    /// <summary>
    /// A client of the proxy that trusts exactly Caddy's local CA (not every certificate): a wrong or missing
    /// certificate still fails, as it would for a real client.
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        X509Certificate2 root = X509CertificateLoader.LoadCertificateFromFile(RootCertificatePath);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, chain, _) =>
            {
                if (certificate is null || chain is null)
                {
                    return false;
                }

                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Address };
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
