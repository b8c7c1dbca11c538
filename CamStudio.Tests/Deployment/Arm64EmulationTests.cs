using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamStudio.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CamStudio.Tests.Deployment;

/// <summary>
/// The Raspberry Pi build, proven on this x64 machine: the self-contained linux-arm64 publish runs under Debian's
/// qemu-user-static with the arm64 libraries from multiarch (scripts/install-deps.sh arm64), serves /health/live, and
/// stores and returns a camera over the API. Uses the build named by CAMSTUDIO_ARM64_BUILD (scripts/test.sh publishes
/// it before entering the network namespace, where NuGet is unreachable); otherwise publishes with scripts/publish.sh.
/// <para>
/// The emulated process runs with <c>DOTNET_EnableWriteXorExecute=0</c>, and only it. With W^X on (the default), the
/// runtime maps its code memory twice from one memfd: it executes from a read+execute view and writes JIT code, stubs
/// and precode through a separate read+write view. qemu-user notices rewritten code only by write-protecting the
/// guest pages it has translated, and treats AArch64's instruction-cache flush (IC IVAU) as a no-op; a write through
/// the other view reaches neither, so qemu keeps running its stale translation of code the runtime has since
/// replaced (QEMU issue 1034, fixed in QEMU 8.1 by honouring IC IVAU; Debian 12 ships 7.2). The runtime then fails
/// at random places: here 5 of 10 starts (a NullReferenceException in a reflection InvokeStub, then FailFast;
/// an abort in an EventSource static constructor during migration; a 500 from the camera API) - the same symptoms as
/// dotnet/sdk#27190 and dotnet/runtime#94909, whose workaround is this setting. With one mapping, qemu's
/// write-protection sees every code write. A real Pi's CPU honours the runtime's cache flushes, so the service
/// (deploy/camstudio.service) keeps W^X on. Numbers: docs/operations.md, "The arm64 build under emulation".
/// </para>
/// </summary>
[Collection(Arm64EmulationCollection.Name)]
public sealed class Arm64EmulationTests(ITestOutputHelper output) : IDisposable
{
    // Deadlines only bound a broken run. Emulated start-up took 13-15 s on an idle machine and up to 98 s while other
    // builds and tests loaded it (load average ~27 on 2 cores); the first camera request JITs EF Core's query path.
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(90);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "camstudio-arm64-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Arm64_build_under_qemu_serves_health_and_the_camera_api()
    {
        string qemu = "/usr/bin/qemu-aarch64-static";
        File.Exists(qemu).Should().BeTrue("scripts/install-deps.sh arm64 installs qemu-user-static");
        File.Exists("/lib/ld-linux-aarch64.so.1").Should().BeTrue("scripts/install-deps.sh arm64 installs libc6:arm64");

        var clock = Stopwatch.StartNew();
        string build = await GetBuildAsync();
        TimeSpan publish = clock.Elapsed;
        string executable = Path.Combine(build, "CamStudio.Web");
        // ELF header: e_machine (offset 18, little-endian) is 183 for AArch64.
        byte[] header = new byte[20];
        await using (FileStream file = File.OpenRead(executable))
        {
            await file.ReadExactlyAsync(header);
        }

        BitConverter.ToUInt16(header, 18).Should().Be(183, "the test must really run the arm64 build");

        Directory.CreateDirectory(_data);
        // The account comes from the command line scripts use (the x64 build of the same commit, on the same data).
        string token = await AccountCli.CreateAdminTokenAsync(_data);
        int port = FreePort.Tcp();
        string url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        clock.Restart();
        await using ChildProcess app = ChildProcess.Start("/usr/bin/env",
        [
            "CAMSTUDIO_DATA=" + _data, "WebRtc__UdpPort=0", "WebRtc__BindAddress=127.0.0.1", "DOTNET_gcServer=0",
            // The camera below is a documentation address: no health check may send to it.
            "Health__Enabled=false",
            // Emulation only: qemu-user misses code rewritten through W^X's second mapping (see the class comment).
            "DOTNET_EnableWriteXorExecute=0",
            qemu, executable, "--urls", url, "--contentRoot", build,
        ]);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = s_requestTimeout };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        // A runtime crash under emulation shows up as a 500, a reset connection or an early exit; the app's own output
        // (the exception or FailFast message) is what tells them apart, so every failure below carries it.
        string AppOutput() => $"\n--- arm64 app output (last lines; '!' = stderr) ---\n{app.Output}";
        TimeSpan startup, api;
        try
        {
            await Eventually.WaitUntilAsync(
                async () =>
                {
                    app.Exited.IsCompleted.Should().BeFalse("the arm64 app exited early" + AppOutput());
                    try
                    {
                        using HttpResponseMessage live = await http.GetAsync("/health/live");
                        return live.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                s_startDeadline,
                "the arm64 build answers /health/live under qemu");
            startup = clock.Elapsed;

            using HttpResponseMessage created = await http.PostAsJsonAsync("/api/cameras/create", new { name = "Pi camera", ip_address = "192.168.1.30", password = "pi" });
            string createdBody = await created.Content.ReadAsStringAsync();
            created.StatusCode.Should().Be(HttpStatusCode.Created, createdBody + AppOutput());
            int id = JsonDocument.Parse(createdBody).RootElement.GetProperty("camera_id").GetInt32();
            using HttpResponseMessage fetched = await http.GetAsync($"/api/cameras/{id}");
            string fetchedBody = await fetched.Content.ReadAsStringAsync();
            fetched.StatusCode.Should().Be(HttpStatusCode.OK, fetchedBody + AppOutput());
            JsonElement camera = JsonDocument.Parse(fetchedBody).RootElement;
            camera.GetProperty("name").GetString().Should().Be("Pi camera");
            camera.GetProperty("has_password").GetBoolean().Should().BeTrue();
            api = clock.Elapsed - startup;
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(ex.Message + AppOutput(), ex);
        }

        File.Exists(Path.Combine(_data, "camstudio.db")).Should().BeTrue();

        string timing = string.Create(CultureInfo.InvariantCulture,
            $"arm64 emulation: publish/locate {publish.TotalSeconds:0.0} s, start to /health/live {startup.TotalSeconds:0.0} s, camera create + get {api.TotalSeconds:0.0} s, total {(publish + clock.Elapsed).TotalSeconds:0.0} s");
        output.WriteLine(timing);
        await File.WriteAllTextAsync(Path.Combine(RepositoryPaths.Artifacts, "arm64-emulation-timing.txt"), timing + "\n");
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<string> GetBuildAsync()
    {
        if (Environment.GetEnvironmentVariable("CAMSTUDIO_ARM64_BUILD") is { Length: > 0 } prebuilt)
        {
            File.Exists(Path.Combine(prebuilt, "CamStudio.Web")).Should().BeTrue($"CAMSTUDIO_ARM64_BUILD={prebuilt} holds a build");
            output.WriteLine("using prebuilt " + prebuilt);
            return prebuilt;
        }

        (int exitCode, string publishOutput) = await ScriptRunner.RunAsync("publish.sh", ["linux-arm64"], timeout: TimeSpan.FromMinutes(10));
        exitCode.Should().Be(0, publishOutput);
        return Path.Combine(RepositoryPaths.Root, "artifacts", "publish", "linux-arm64");
    }
}

/// <summary>
/// Emulated start-up saturates a core for about a minute: run it alone, after the parallel tests, so it cannot starve
/// the timing-sensitive media tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Arm64EmulationCollection
{
    public const string Name = "Arm64 emulation (runs alone)";
}
