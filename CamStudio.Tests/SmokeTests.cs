namespace CamStudio.Tests;

public class SmokeTests
{
    [Fact]
    public void Solution_builds_and_tests_run() => typeof(Program).Assembly.GetName().Name.Should().Be("CamStudio.Web");
}
