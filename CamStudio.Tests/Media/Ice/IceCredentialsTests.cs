using CamStudio.Media.Ice;

namespace CamStudio.Tests.Media.Ice;

public class IceCredentialsTests
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    [Fact]
    public void CreateRandom_MeetsRfc8839Limits_AndDiffersEachTime()
    {
        var a = IceCredentials.CreateRandom();
        var b = IceCredentials.CreateRandom();

        // RFC 8839 §5.4: ufrag >= 4, pwd >= 22 ice-chars.
        a.Ufrag.Length.Should().BeGreaterThanOrEqualTo(4);
        a.Password.Length.Should().BeGreaterThanOrEqualTo(22);
        (a.Ufrag + a.Password).AsSpan().IndexOfAnyExcept(IceChars).Should().Be(-1);
        a.Ufrag.Should().NotBe(b.Ufrag);
        a.Password.Should().NotBe(b.Password);
    }

    [Theory]
    [InlineData("abc", "VOkJxbRl1RmTxUk/WvJxBt")]
    [InlineData("abcd", "VOkJxbRl1RmTxUk/WvJxB")]
    [InlineData("ab:d", "VOkJxbRl1RmTxUk/WvJxBt")]
    [InlineData("abcd", "VOkJxbRl1RmTxUk/WvJxB t")]
    public void Constructor_RejectsValuesOutsideRfc8839(string ufrag, string password)
    {
        var create = () => new IceCredentials(ufrag, password);
        create.Should().Throw<ArgumentException>();
    }
}
