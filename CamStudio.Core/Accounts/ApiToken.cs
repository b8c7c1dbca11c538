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
}

/// <summary>A token as listed to its owner (never the secret).</summary>
public sealed record ApiTokenInfo(int Id, string Name, string Hint, DateTime CreatedAt);

/// <summary>A token just created: <see cref="Token"/> is shown once and cannot be recovered later.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);
