using CamStudio.Core.Cameras;

namespace CamStudio.Tests.Core.Cameras;

public class CameraValidatorTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:192.0.2.1")]
    [InlineData("camera")]
    [InlineData("cam-01.home.arpa")]
    [InlineData("1cam.example")] // RFC 1123 allows a leading digit
    [InlineData("xn--bcher-kva.example")]
    public void Valid_hosts_pass(string host) => CameraValidator.ValidateHost(host, required: true).Should().BeNull();

    [Theory]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.5")]
    [InlineData("010.0.0.1")]
    [InlineData("1")]
    [InlineData("10.0.0.-1")]
    [InlineData("http://cam")]
    [InlineData("cam/path")]
    [InlineData("user@cam")]
    [InlineData("cam:554")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")] // a zone id would need %25 in a URL
    [InlineData("cam..lan")]
    [InlineData("cam.lan.")]
    [InlineData("-cam")]
    [InlineData("cam-.lan")]
    [InlineData("cam_1")]
    [InlineData("cam\tlan")]
    [InlineData("ca m")]
    [InlineData("kamera-ü.lan")]
    public void Invalid_hosts_fail(string host) => CameraValidator.ValidateHost(host, required: true).Should().NotBeNull();

    [Fact]
    public void Host_length_limits_are_253_overall_and_63_per_label()
    {
        string label63 = new('a', 63);
        CameraValidator.ValidateHost(label63 + ".lan", required: true).Should().BeNull();
        CameraValidator.ValidateHost(label63 + "a.lan", required: true).Should().NotBeNull();
        string host253 = string.Join('.', Enumerable.Repeat(label63, 3)) + "." + new string('b', 61);
        host253.Length.Should().Be(253);
        CameraValidator.ValidateHost(host253, required: true).Should().BeNull();
        CameraValidator.ValidateHost(host253 + "b", required: true).Should().NotBeNull();
    }

    [Fact]
    public void Address_is_optional_only_when_not_required()
    {
        CameraValidator.ValidateHost("", required: false).Should().BeNull();
        CameraValidator.ValidateHost("  ", required: true).Should().NotBeNull();
    }

    [Theory]
    [InlineData("stream1")]
    [InlineData("/Streaming/Channels/101")]
    [InlineData("cam/realmonitor?channel=1&subtype=0")]
    [InlineData("live%20main")]
    [InlineData("a-b_c.d~e:f;g=h,i+j!k$l'm(n)o*p")]
    public void Valid_paths_pass(string path) => CameraValidator.ValidatePath(path).Should().BeNull();

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData("../x")]
    [InlineData("a/../b")]
    [InlineData("-i")]
    [InlineData("/-i")]
    [InlineData("a@b")]
    [InlineData("a#b")]
    [InlineData("a%2")]
    [InlineData("a%g0")]
    [InlineData("pfad/ä")]
    [InlineData("file:/etc/passwd")] // a URL where a path belongs
    [InlineData("/file:/etc/passwd")]
    [InlineData("rtsp://evil.example/x")]
    [InlineData("/stream1 -i file:/etc/passwd")]
    [InlineData("a`id`")]
    public void Invalid_paths_fail(string path) => CameraValidator.ValidatePath(path).Should().NotBeNull();

    [Fact]
    public void Name_key_ignores_case_and_spacing()
    {
        CameraValidator.NormalizeNameKey("  Front \t DOOR ").Should().Be(CameraValidator.NormalizeNameKey("front door"));
        CameraValidator.NormalizeNameKey("Front Door").Should().NotBe(CameraValidator.NormalizeNameKey("FrontDoor"));
    }

    [Fact]
    public void Undefined_enum_values_are_rejected_for_forms_that_bypass_json()
    {
        CameraValidator.ValidateQuality((StreamQuality)7).Should().NotBeNull();
        CameraValidator.ValidateSource((CameraSourceKind)7).Should().NotBeNull();
    }

    [Fact]
    public void Valid_request_has_no_errors()
    {
        var request = new CameraCreateRequest { Name = "Door", IpAddress = "10.0.0.1", Password = "p", Brand = "Hikvision" };
        CameraValidator.Validate(request).Should().BeEmpty();
    }

    [Fact]
    public void Random_input_never_throws_and_messages_never_echo_the_input()
    {
        var random = new Random(20261125);
        const string alphabet = "abcXYZ019-._~:/?#[]@!$&'()*+,;=% \t\n\u0000\u00e9\u2028..";
        for (int i = 0; i < 5000; i++)
        {
            string value = new(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            value += "SECRET" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var request = new CameraCreateRequest
            {
                Name = value, IpAddress = value, HdPath = value, SdPath = value, Username = value, Password = value,
                Description = value, Brand = value, RtspPort = random.Next(-5, 70000),
            };

            IReadOnlyDictionary<string, string[]> errors = CameraValidator.Validate(request);

            errors.Values.SelectMany(m => m).Should().NotContain(m => m.Contains("SECRET", StringComparison.Ordinal));
        }
    }
}

/// <summary>The cluster pin (<c>pinned_node</c>): null or empty is automatic, anything else must be a node name.</summary>
public class CameraValidatorPinnedNodeTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("node-b")]
    [InlineData("pi4-garage-2")]
    public void Automatic_and_node_names_pass(string? pinnedNode) =>
        CameraValidator.ValidatePinnedNode(pinnedNode).Should().BeNull();

    [Theory]
    [InlineData(" ")]
    [InlineData("Node-B")]
    [InlineData("-b")]
    [InlineData("node_b")]
    [InlineData("node.b")]
    [InlineData("node b")]
    [InlineData("b\n")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void Anything_else_is_refused_without_echoing_it(string pinnedNode)
    {
        string? message = CameraValidator.ValidatePinnedNode(pinnedNode);

        message.Should().StartWith("pinned_node must be a node name");
        if (pinnedNode.Trim().Length > 1)
        {
            message.Should().NotContain(pinnedNode);
        }
    }

    [Fact]
    public void A_bad_pin_is_reported_under_its_wire_name()
    {
        CameraValidator.Validate(new CameraCreateRequest { Name = "Porch", IpAddress = "10.0.0.1", PinnedNode = "B" })
            .Should().ContainKey(CameraFields.PinnedNode).And.HaveCount(1);
    }
}
