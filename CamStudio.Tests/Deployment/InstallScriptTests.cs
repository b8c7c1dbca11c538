using CamStudio.Tests.Infrastructure;

namespace CamStudio.Tests.Deployment;

/// <summary>
/// install-pi.sh is never run for real here (it would install a service on the CI machine): it is parsed, and its
/// --dry-run plan is checked step by step. The unit file is checked for the limits and hardening the issue asks for.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _build = Path.Combine(Path.GetTempPath(), "camstudio-fake-build-" + Guid.NewGuid().ToString("N"));

    public InstallScriptTests()
    {
        Directory.CreateDirectory(_build);
        string executable = Path.Combine(_build, "CamStudio.Web");
        File.WriteAllText(executable, "#!/bin/sh\n");
        File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Theory]
    [InlineData("publish.sh")]
    [InlineData("install-pi.sh")]
    [InlineData("uninstall-pi.sh")]
    [InlineData("backup.sh")]
    [InlineData("restore.sh")]
    [InlineData("install-deps.sh")]
    [InlineData("test.sh")]
    public async Task Script_parses(string script)
    {
        (int exitCode, string output) = await ScriptRunner.SyntaxCheckAsync(script);
        exitCode.Should().Be(0, output);
    }

    [Fact]
    public async Task Dry_run_install_prints_every_step_in_order_and_changes_nothing()
    {
        bool unitExisted = File.Exists("/etc/systemd/system/camstudio.service");

        (int exitCode, string output) = await ScriptRunner.RunAsync("install-pi.sh", ["--dry-run", "--port", "8088", _build]);

        exitCode.Should().Be(0, output);
        string[] expectedInOrder =
        [
            "install -d -m 0700 -o camstudio -g camstudio /var/lib/camstudio",
            $"cp -a {_build} /opt/camstudio.new",
            "mv /opt/camstudio.new /opt/camstudio",
            "deploy/camstudio.service /etc/systemd/system/camstudio.service",
            "write /etc/default/camstudio: ASPNETCORE_URLS=http://0.0.0.0:8088",
            "+ systemctl daemon-reload",
            "+ systemctl enable --now camstudio.service",
            "Open http://",
        ];
        int position = 0;
        foreach (string step in expectedInOrder)
        {
            int found = output.IndexOf(step, position, StringComparison.Ordinal);
            found.Should().BeGreaterThanOrEqualTo(0, $"'{step}' must follow the previous step in:\n{output}");
            position = found + step.Length;
        }

        output.Should().Contain(":8088", "the URL printed uses the chosen port");
        output.Should().ContainAny("ffmpeg already installed", "apt-get install -y -qq --no-install-recommends ffmpeg");
        File.Exists("/etc/systemd/system/camstudio.service").Should().Be(unitExisted, "a dry run changes nothing");
    }

    [Fact]
    public async Task Install_without_a_build_refuses_and_says_how_to_make_one()
    {
        (int exitCode, string output) = await ScriptRunner.RunAsync("install-pi.sh", ["--dry-run", Path.Combine(_build, "missing")]);

        exitCode.Should().NotBe(0);
        output.Should().Contain("scripts/publish.sh linux-arm64");
    }

    [Fact]
    public async Task Uninstall_keeps_the_data_unless_purge_is_given()
    {
        (int keepCode, string keep) = await ScriptRunner.RunAsync("uninstall-pi.sh", ["--dry-run"]);
        keepCode.Should().Be(0, keep);
        keep.Should().Contain("+ systemctl disable --now camstudio.service").And.Contain("+ rm -rf /opt/camstudio")
            .And.Contain("kept /var/lib/camstudio");
        keep.Should().NotContain("/var/lib/camstudio /etc/default/camstudio").And.NotContain("userdel");

        (int purgeCode, string purge) = await ScriptRunner.RunAsync("install-pi.sh", ["--uninstall", "--purge", "--dry-run"]);
        purgeCode.Should().Be(0, purge);
        purge.Should().Contain("+ rm -rf /var/lib/camstudio /etc/default/camstudio").And.Contain("+ userdel camstudio");
    }

    [Fact]
    public async Task Purge_without_uninstall_is_rejected()
    {
        (int exitCode, string output) = await ScriptRunner.RunAsync("install-pi.sh", ["--purge", "--dry-run", _build]);
        exitCode.Should().Be(2);
        output.Should().Contain("--purge only goes with --uninstall");
    }

    [Fact]
    public void Service_unit_restarts_on_failure_caps_memory_and_is_hardened()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "deploy", "camstudio.service"));

        lines.Should().Contain(
        [
            "User=camstudio", "ExecStart=/opt/camstudio/CamStudio.Web --contentRoot /opt/camstudio",
            "Environment=CAMSTUDIO_DATA=/var/lib/camstudio", "Environment=ASPNETCORE_URLS=http://0.0.0.0:5080",
            "EnvironmentFile=-/etc/default/camstudio", "Restart=on-failure", "MemoryMax=400M", "NoNewPrivileges=true",
            "ProtectSystem=strict", "ReadWritePaths=/var/lib/camstudio", "PrivateTmp=true", "WantedBy=multi-user.target",
        ]);
        lines.Should().NotContain(l => l.StartsWith("MemoryDenyWriteExecute=true", StringComparison.Ordinal), "the JIT needs W+X pages");
    }

    public void Dispose() => Directory.Delete(_build, recursive: true);
}
