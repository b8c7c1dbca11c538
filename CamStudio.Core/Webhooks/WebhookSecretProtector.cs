using Microsoft.AspNetCore.DataProtection;

namespace CamStudio.Core.Webhooks;

/// <summary>
/// Encrypts webhook secrets at rest with Data Protection under a purpose of their own, so neither a camera password's
/// nor a cookie's ciphertext can be unprotected as a webhook secret and vice versa.
/// </summary>
public sealed class WebhookSecretProtector(IDataProtectionProvider provider)
{
    /// <summary>Changing it makes every stored secret unreadable: part of the database format.</summary>
    public const string Purpose = "CamStudio.Core.Webhooks.Secret.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return _protector.Protect(secret);
    }

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key ring no longer holds the key.</exception>
    public string Unprotect(string protectedSecret)
    {
        ArgumentNullException.ThrowIfNull(protectedSecret);
        return _protector.Unprotect(protectedSecret);
    }
}
