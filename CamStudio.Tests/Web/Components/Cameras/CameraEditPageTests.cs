using Bunit;
using CamStudio.Core.Cameras;
using CamStudio.Media.Streaming;
using CamStudio.Web.Components.Cameras;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Tests.Web.Components.Cameras;

public sealed class CameraEditPageTests : UiTestContext
{
    private const string StoredPassword = "St0red-Pa55word!";

    private CameraFormDriver RenderNew()
    {
        IRenderedComponent<CameraEditPage> page = Render<CameraEditPage>();
        page.WaitForElement("form");
        return new CameraFormDriver(page);
    }

    private CameraFormDriver RenderEdit(int cameraId)
    {
        IRenderedComponent<CameraEditPage> page = Render<CameraEditPage>(p => p.Add(c => c.CameraId, cameraId));
        page.WaitForElement("form");
        return new CameraFormDriver(page);
    }

    public static TheoryData<string, string, string> InvalidValues => new()
    {
        { CameraFields.Name, "", "Name is required." },
        { CameraFields.Name, "   ", "Name is required." },
        { CameraFields.Name, new string('n', 101), "Name must be at most 100 characters." },
        { CameraFields.Name, "Front\u0007door", "Name must not contain control characters or line breaks." },
        { CameraFields.IpAddress, "", "IP address or host name is required." },
        { CameraFields.IpAddress, "rtsp://cam.local", "Enter only the address, without a scheme such as rtsp://." },
        { CameraFields.IpAddress, "cam.local/stream1", "Enter only the address; put the stream path in hd_path/sd_path." },
        { CameraFields.IpAddress, "admin@cam.local", "Enter only the address; put credentials in username/password." },
        { CameraFields.IpAddress, "[fe80::1]", "Enter an IPv6 address without brackets." },
        { CameraFields.IpAddress, "192.168.1.300", "Not a valid IPv4 address (four numbers 0-255 without leading zeros)." },
        { CameraFields.IpAddress, "192.168.1.10:554", "Not a valid IPv6 address (put a port in rtsp_port, not in the address)." },
        { CameraFields.IpAddress, "cam era", "IP address or host name must not contain spaces or control characters." },
        { CameraFields.IpAddress, "-cam", "IP address or host name must not start with '-'." },
        { CameraFields.IpAddress, "cam_1.local", "A host name may contain only letters, digits, '-' and '.', and no part may start or end with '-'." },
        { CameraFields.RtspPort, "0", "RTSP port must be between 1 and 65535." },
        { CameraFields.RtspPort, "65536", "RTSP port must be between 1 and 65535." },
        { CameraFields.HdPath, "", "Stream path must not be empty." },
        { CameraFields.HdPath, "-stream", "Stream path must not start with '-'." },
        { CameraFields.SdPath, "live/../etc", "Stream path must not contain '..'." },
        { CameraFields.SdPath, "live stream", "Stream path may contain only letters, digits and the URL characters -._~!$&'()*+,;=:/?% (no spaces)." },
        { CameraFields.HdPath, "live%2", "A '%' in a stream path must start a percent-encoded byte such as %20." },
        { CameraFields.Username, new string('u', 129), "Username must be at most 128 characters." },
        { CameraFields.Password, new string('p', 129), "Password must be at most 128 characters." },
        { CameraFields.Password, "pass\nword", "Password must not contain control characters or line breaks." },
        { CameraFields.Description, new string('d', 1001), "Description must be at most 1000 characters." },
        { CameraFields.Description, "bell\u0007", "Description must not contain control characters." },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task Submit_ShowsTheValidatorsMessageUnderTheField_AndStoresNothing(string field, string value, string message)
    {
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.Name, "Front door");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.10");
        await form.SetAsync(field, value);

        await form.SubmitAsync();

        form.Page.WaitForAssertion(() => form.Error(field).Should().Be(message));
        form.AllErrors().Should().Equal(message);
        (await Store.ListAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task EditingAField_ValidatesItAtOnce_AndFixingItClearsTheMessage()
    {
        CameraFormDriver form = RenderNew();

        await form.SetAsync(CameraFields.RtspPort, "70000");
        form.Error(CameraFields.RtspPort).Should().Be("RTSP port must be between 1 and 65535.");
        form.Error(CameraFields.Name).Should().BeNull("untouched fields are not flagged before submit");

        await form.SetAsync(CameraFields.RtspPort, "8554");
        form.Error(CameraFields.RtspPort).Should().BeNull();
    }

    [Fact]
    public async Task SubmittingAnEmptyForm_ShowsEveryBrokenRuleAtOnce()
    {
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.HdPath, "");

        await form.SubmitAsync();

        form.Error(CameraFields.Name).Should().Be("Name is required.");
        form.Error(CameraFields.IpAddress).Should().Be("IP address or host name is required.");
        form.Error(CameraFields.HdPath).Should().Be("Stream path must not be empty.");
    }

    [Fact]
    public async Task Edit_PasswordFieldIsEmpty_AndTheStoredPasswordIsNowhereInTheMarkup()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", StoredPassword);

        CameraFormDriver form = RenderEdit(camera.CameraId);

        IElementValue(form, CameraFields.Password).Should().BeEmpty();
        form.Input(CameraFields.Password).GetAttribute("type").Should().Be("password");
        form.Page.Markup.Should().NotContain(StoredPassword).And.NotContain(Uri.EscapeDataString(StoredPassword));
        form.Page.Markup.Should().Contain("A password is stored. Leave blank to keep the current password.");
        form.Value(CameraFields.Name).Should().Be("Front door");
    }

    [Fact]
    public async Task PickingABrandPreset_FillsTheHdAndSdPaths()
    {
        CameraFormDriver form = RenderNew();
        CameraBrandPresets.TryGet("dahua", out CameraBrandPreset? dahua).Should().BeTrue();

        await form.SelectAsync("Brand preset", "dahua");

        form.Value(CameraFields.HdPath).Should().Be(dahua!.HdPath);
        form.Value(CameraFields.SdPath).Should().Be(dahua.SdPath);
        form.Page.Markup.Should().Contain(System.Net.WebUtility.HtmlEncode(dahua.Notes));
    }

    [Fact]
    public async Task SaveNew_CreatesTheCameraWithTheTypedValues_AndReturnsToTheList()
    {
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.Name, "  Garage  ");
        await form.SelectAsync("Brand preset", "hikvision");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.64");
        await form.SetAsync(CameraFields.RtspPort, "8554");
        await form.SetAsync(CameraFields.Username, "viewer");
        await form.SetAsync(CameraFields.Password, "p@ss:word/1");
        await form.SetAsync(CameraFields.Description, "Side door");

        await form.SubmitAsync();

        CameraResponse saved = (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        saved.Name.Should().Be("Garage");
        saved.IpAddress.Should().Be("192.168.1.64");
        saved.RtspPort.Should().Be(8554);
        saved.Brand.Should().Be("hikvision");
        saved.HdPath.Should().Be("Streaming/Channels/101");
        saved.SdPath.Should().Be("Streaming/Channels/102");
        saved.Username.Should().Be("viewer");
        saved.StreamQuality.Should().Be(StreamQuality.Stream2);
        saved.Description.Should().Be("Side door");
        (await Store.GetStreamSourceAsync(saved.CameraId, CancellationToken.None))!.Password.Should().Be("p@ss:word/1");
        Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/cameras");
    }

    [Fact]
    public async Task SingleNode_HasNoServeFromField_AndSavingKeepsAPinSetThroughTheApi()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", configure: r => r.PinnedNode = "node-b");
        CameraFormDriver form = RenderEdit(camera.CameraId);
        form.Page.FindAll("[data-field=pinned_node]").Should().BeEmpty();
        form.Page.Markup.Should().NotContain("Serve from");
        await form.SetAsync(CameraFields.Name, "Front porch");

        await form.SubmitAsync();

        CameraResponse? saved = await Store.GetAsync(camera.CameraId, CancellationToken.None);
        saved!.Name.Should().Be("Front porch");
        saved.PinnedNode.Should().Be("node-b");
    }

    [Fact]
    public async Task SaveEdit_WithABlankPassword_KeepsTheStoredOne_AndBumpsTheVersion()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", StoredPassword);
        CameraFormDriver form = RenderEdit(camera.CameraId);
        await form.SetAsync(CameraFields.Name, "Front porch");

        await form.SubmitAsync();

        CameraResponse? saved = await Store.GetAsync(camera.CameraId, CancellationToken.None);
        saved!.Name.Should().Be("Front porch");
        saved.Version.Should().Be(camera.Version + 1);
        (await Store.GetStreamSourceAsync(camera.CameraId, CancellationToken.None))!.Password.Should().Be(StoredPassword);
    }

    [Fact]
    public async Task SaveEdit_HandsTheNewSettingsToTheCamerasStream()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", StoredPassword);
        CameraStreamHost streams = Services.GetRequiredService<CameraStreamHost>();
        CameraStream stream = (await streams.GetOrCreateAsync(camera.CameraId, null, CancellationToken.None))!;
        var before = stream.Supervisor;
        CameraFormDriver form = RenderEdit(camera.CameraId);
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.77");

        await form.SubmitAsync();

        stream.Supervisor.Should().NotBeSameAs(before, "a saved camera's stream is reconfigured (FFmpeg restarts if it runs)");
    }

    [Fact]
    public async Task SaveEdit_OfOnlyTheNameAndDescription_LeavesTheCamerasStreamAlone()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", StoredPassword);
        CameraStreamHost streams = Services.GetRequiredService<CameraStreamHost>();
        CameraStream stream = (await streams.GetOrCreateAsync(camera.CameraId, null, CancellationToken.None))!;
        var before = stream.Supervisor;
        CameraFormDriver form = RenderEdit(camera.CameraId);
        await form.SetAsync(CameraFields.Name, "Front porch");
        await form.SetAsync(CameraFields.Description, "Renamed, nothing else");

        await form.SubmitAsync();

        (await Store.GetAsync(camera.CameraId, CancellationToken.None))!.Name.Should().Be("Front porch");
        stream.Supervisor.Should().BeSameAs(before, "nothing FFmpeg pulls with changed: viewers keep watching without a restart");
    }

    [Fact]
    public async Task SaveEdit_AfterSomeoneElseChangedTheCamera_ShowsTheConflict_AndDoesNotOverwrite()
    {
        CameraResponse camera = await CreateCameraAsync("Front door");
        CameraFormDriver form = RenderEdit(camera.CameraId);
        // Another operator saves while this form is open.
        (await Store.UpdateAsync(camera.CameraId, new CameraUpdate { Description = "theirs" }, CancellationToken.None))
            .Should().BeOfType<CameraSaved>();
        await form.SetAsync(CameraFields.Description, "mine");

        await form.SubmitAsync();

        form.Page.Find("[data-testid=conflict]").TextContent.Should().Contain(CameraEditPage.ConflictMessage);
        (await Store.GetAsync(camera.CameraId, CancellationToken.None))!.Description.Should().Be("theirs");

        await form.ClickAsync("Reload");
        form.Page.FindAll("[data-testid=conflict]").Should().BeEmpty();
        form.Page.Find("textarea[data-field=description]").TextContent.Should().Be("theirs");
    }

    [Fact]
    public async Task SaveNew_WithADuplicateName_ShowsTheErrorOnTheNameField()
    {
        await CreateCameraAsync("Garage");
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.Name, "  garage ");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.65");

        await form.SubmitAsync();

        form.Error(CameraFields.Name).Should().Be(CameraEditPage.DuplicateNameMessage);
        (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task DemoSource_HidesTheConnectionFields_AndTestConnectionNamesTheBuiltInPattern()
    {
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.Name, "Pattern");

        await form.SelectAsync("Source", CameraSourceKind.DemoPattern);
        form.Page.FindAll($"input[data-field={CameraFields.IpAddress}]").Should().BeEmpty();
        await form.ClickAsync("Test connection");

        form.Page.WaitForAssertion(() => form.Page.Find("[data-testid=probe-result]").TextContent
            .Should().Contain("built-in test pattern"));
        await form.SubmitAsync();
        (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Which.Source.Should().Be(CameraSourceKind.DemoPattern);
    }

    [Fact]
    public async Task AudioSwitch_IsShownOffWithItsHelp_AndSavingItOnStoresIt()
    {
        CameraFormDriver form = RenderNew();
        form.AudioSwitch().Should().NotBeNull();
        form.Page.Find("#audio-help").TextContent.Should().Be(CameraEditPage.AudioHelp);
        form.AudioSwitch().GetAttribute("aria-describedby").Should().Be("audio-help", "screen readers read the help with the switch");
        form.AudioChecked().Should().BeFalse("audio is off by default");
        await form.SetAsync(CameraFields.Name, "Doorbell");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.70");

        await form.ToggleAudioAsync();
        form.AudioChecked().Should().BeTrue();
        await form.SubmitAsync();

        CameraResponse saved = (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        saved.Audio.Should().BeTrue();
        (await Store.GetStreamSourceAsync(saved.CameraId, CancellationToken.None))!.Audio.Should().BeTrue();
    }

    [Fact]
    public async Task SaveNew_WithoutTouchingTheSwitch_StoresAudioOff()
    {
        CameraFormDriver form = RenderNew();
        await form.SetAsync(CameraFields.Name, "Garage");
        await form.SetAsync(CameraFields.IpAddress, "192.168.1.71");

        await form.SubmitAsync();

        (await Store.ListAsync(CancellationToken.None)).Should().ContainSingle().Which.Audio.Should().BeFalse();
    }

    [Fact]
    public async Task Edit_LoadsTheStoredAudio_AndTurningItOffSavesIt()
    {
        CameraResponse camera = await CreateCameraAsync("Nursery");
        (await Store.UpdateAsync(camera.CameraId, new CameraUpdate { Audio = true }, CancellationToken.None)).Should().BeOfType<CameraSaved>();

        CameraFormDriver form = RenderEdit(camera.CameraId);
        form.AudioChecked().Should().BeTrue("the form shows the stored setting");
        await form.ToggleAudioAsync();
        await form.SubmitAsync();

        (await Store.GetAsync(camera.CameraId, CancellationToken.None))!.Audio.Should().BeFalse();
    }

    [Fact]
    public async Task PickingABrand_PreFillsAudioOnlyWhereTheBrandsAudioIsKnown()
    {
        CameraBrandPresets.TryGet("reolink", out CameraBrandPreset? reolink).Should().BeTrue();
        reolink!.AudioTypical.Should().BeTrue();
        CameraBrandPresets.TryGet("hikvision", out CameraBrandPreset? hikvision).Should().BeTrue();
        hikvision!.AudioTypical.Should().BeNull();
        CameraFormDriver form = RenderNew();

        await form.SelectAsync("Brand preset", "hikvision");
        form.AudioChecked().Should().BeFalse("an unknown brand leaves audio off");
        await form.SelectAsync("Brand preset", "reolink");
        form.AudioChecked().Should().BeTrue("Reolink cameras send AAC");
        await form.SelectAsync("Brand preset", "hikvision");
        form.AudioChecked().Should().BeTrue("an unknown value never overrides what is set");
        await form.ToggleAudioAsync();
        await form.SelectAsync("Brand preset", "dahua");
        form.AudioChecked().Should().BeFalse("the operator's choice stays when the brand's audio is unknown");
    }

    [Fact]
    public async Task SaveEdit_TurningAudioOn_ReconfiguresTheRunningStreamWithAnAudioFeed()
    {
        CameraResponse camera = await CreateCameraAsync("Front door", StoredPassword);
        CameraStreamHost streams = Services.GetRequiredService<CameraStreamHost>();
        CameraStream stream = (await streams.GetOrCreateAsync(camera.CameraId, null, CancellationToken.None))!;
        var before = stream.Supervisor;
        CameraFormDriver form = RenderEdit(camera.CameraId);

        await form.ToggleAudioAsync();
        await form.SubmitAsync();

        stream.Supervisor.Should().NotBeSameAs(before, "an audio change alone is a feed change: the stream is reconfigured");
        CameraFeed feed = (await Services.GetRequiredService<ICameraFeedLookup>().FindAsync(camera.CameraId, CancellationToken.None))!;
        feed.Audio.Should().BeTrue("the reconfigured stream is built from this feed");
    }

    private static string IElementValue(CameraFormDriver form, string field) => form.Input(field).GetAttribute("value") ?? string.Empty;
}
