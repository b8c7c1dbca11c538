using System.Security.Cryptography;
using System.Text;
using CamStudio.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Accounts;

/// <summary>
/// Creates, lists, revokes and resolves per-user API tokens. A token is <c>cst_</c> followed by 32 random bytes
/// (base64url); only its SHA-256 is stored. A fast hash is enough here: unlike a password, the token has 256 bits of
/// entropy, so there is nothing to brute-force offline.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<CamStudioDbContext> contexts, TimeProvider time)
{
    public const string Prefix = "cst_";
    public const int MaxNameLength = ApiTokenConfiguration.MaxNameLength;
    private const int RandomBytes = 32;
    private const int HintLength = 8;

    /// <summary>Creates a token for <paramref name="userId"/>; the returned secret is never stored and cannot be shown again.</summary>
    /// <exception cref="ArgumentException">The name is empty or longer than <see cref="MaxNameLength"/>.</exception>
    public async Task<CreatedApiToken> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        string trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A token name is 1 to {MaxNameLength} characters.", nameof(name));
        }

        string token = Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(RandomBytes));
        var row = new ApiToken
        {
            UserId = userId,
            Name = trimmed,
            Hash = Hash(token),
            Hint = token[..HintLength],
            CreatedAt = Truncate(time.GetUtcNow().UtcDateTime),
        };
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        context.ApiTokens.Add(row);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiToken(ToInfo(row), token);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<ApiToken> rows = await context.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderBy(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>Deletes the token if it belongs to <paramref name="userId"/>; false when there is no such token.</summary>
    public async Task<bool> RevokeAsync(string userId, int tokenId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        int deleted = await context.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>The owner of <paramref name="token"/>, or null when it is malformed, unknown or revoked.</summary>
    public async Task<string?> FindUserIdAsync(string token, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }

        string hash = Hash(token);
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await context.ApiTokens.AsNoTracking().Where(t => t.Hash == hash).Select(t => t.UserId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool LooksLikeToken(string? token) =>
        token is { Length: > 4 and < 128 } && token.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static DateTime Truncate(DateTime value) => new(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);

    private static ApiTokenInfo ToInfo(ApiToken row) => new(row.Id, row.Name, row.Hint + "…", row.CreatedAt);
}
