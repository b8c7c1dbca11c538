namespace CamStudio.Core.Security;

/// <summary>Encrypts camera passwords at rest. Implementations never log or echo the plaintext.</summary>
public interface ICameraPasswordProtector
{
    string Protect(string plaintext);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key ring no longer holds the key.</exception>
    string Unprotect(string protectedValue);
}
