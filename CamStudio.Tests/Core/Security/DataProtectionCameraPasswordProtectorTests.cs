using CamStudio.Core.Security;
using Microsoft.AspNetCore.DataProtection;

namespace CamStudio.Tests.Core.Security;

public class DataProtectionCameraPasswordProtectorTests
{
    private readonly EphemeralDataProtectionProvider _provider = new();

    [Fact]
    public void Round_trips_and_the_ciphertext_hides_the_plaintext()
    {
        var protector = new DataProtectionCameraPasswordProtector(_provider);

        string cipher = protector.Protect("hunter2");

        cipher.Should().NotContain("hunter2");
        protector.Unprotect(cipher).Should().Be("hunter2");
        protector.Protect("hunter2").Should().NotBe(cipher, "each protection uses a fresh IV");
    }

    [Fact]
    public void Ciphertext_made_for_another_purpose_is_refused()
    {
        string foreign = _provider.CreateProtector("Microsoft.AspNetCore.Antiforgery").Protect("hunter2");

        Action unprotect = () => new DataProtectionCameraPasswordProtector(_provider).Unprotect(foreign);

        unprotect.Should().Throw<System.Security.Cryptography.CryptographicException>();
    }
}
