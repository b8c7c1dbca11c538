using Microsoft.AspNetCore.DataProtection;

namespace CamStudio.Core.Security;

/// <summary>
/// ASP.NET Core Data Protection with a purpose of its own, so ciphertext made for cookies or antiforgery tokens can
/// never be unprotected as a camera password and vice versa. The key ring lives in &lt;DataDirectory&gt;/keys.
/// </summary>
public sealed class DataProtectionCameraPasswordProtector(IDataProtectionProvider provider) : ICameraPasswordProtector
{
    /// <summary>Changing it makes every stored password unreadable: treat it as part of the database format.</summary>
    public const string Purpose = "CamStudio.Core.Cameras.Password.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return _protector.Protect(plaintext);
    }

    public string Unprotect(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        return _protector.Unprotect(protectedValue);
    }
}
