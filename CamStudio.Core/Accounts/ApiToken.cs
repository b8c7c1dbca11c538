namespace CamStudio.Core.Accounts;

/// <summary>
/// A per-user API token as stored: only the SHA-256 of the token is kept, so a leaked database does not leak usable
/// tokens. Revoking deletes the row; deleting the user deletes its tokens.
/// </summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token string (prefix included).</summary>
    public required string Hash { get; set; }

    /// <summary>The first characters of the token, enough to recognise it in a list, far too few to guess the rest.</summary>
    public required string Hint { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the token stops working; null for a token that lasts until revoked.</summary>
    public DateTime? ExpiresAt { get; set; }

    /// <summary>The last request it authenticated, to the minute (so a forgotten or leaked token can be spotted).</summary>
    public DateTime? LastUsedAt { get; set; }
}

/// <summary>A token as listed to its owner (never the secret).</summary>
public sealed record ApiTokenInfo(int Id, string Name, string Hint, DateTime CreatedAt, DateTime? ExpiresAt = null, DateTime? LastUsedAt = null)
{
    public bool IsExpiredAt(DateTime utcNow) => ExpiresAt is { } expires && expires <= utcNow;
}

/// <summary>A token just created: <see cref="Token"/> is shown once and cannot be recovered later.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);
