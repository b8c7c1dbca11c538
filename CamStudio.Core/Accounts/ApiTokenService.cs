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

    /// <summary>The longest lifetime a token can be given (a token that should outlive this is made without one).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    // Last-used is written at most this often per token: a busy script must not turn every request into a write.
    private static readonly TimeSpan s_lastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a token for <paramref name="userId"/>, valid for <paramref name="lifetime"/> (null: until revoked); the
    /// returned secret is never stored and cannot be shown again.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or too long, or the lifetime is not positive or above <see cref="MaxLifetime"/>.</exception>
    public async Task<CreatedApiToken> CreateAsync(string userId, string name, CancellationToken cancellationToken, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        string trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A token name is 1 to {MaxNameLength} characters.", nameof(name));
        }

        if (lifetime is { } life && (life <= TimeSpan.Zero || life > MaxLifetime))
        {
            throw new ArgumentException($"A token lifetime is more than zero and at most {MaxLifetime.TotalDays:0} days.", nameof(lifetime));
        }

        DateTime now = Truncate(time.GetUtcNow().UtcDateTime);

        string token = Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(RandomBytes));
        var row = new ApiToken
        {
            UserId = userId,
            Name = trimmed,
            Hash = Hash(token),
            Hint = token[..HintLength],
            CreatedAt = now,
            ExpiresAt = lifetime is { } validFor ? now + validFor : null,
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

    /// <summary>
    /// The owner of <paramref name="token"/>, or null when it is malformed, unknown, revoked or expired. Records the use
    /// (to the minute).
    /// </summary>
    public async Task<string?> FindUserIdAsync(string token, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }

        string hash = Hash(token);
        DateTime now = Truncate(time.GetUtcNow().UtcDateTime);
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await context.ApiTokens.AsNoTracking().Where(t => t.Hash == hash)
            .Select(t => new { t.Id, t.UserId, t.ExpiresAt, t.LastUsedAt })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (row is null || row.ExpiresAt <= now)
        {
            return null;
        }

        if (row.LastUsedAt is not { } last || now - last >= s_lastUsedResolution)
        {
            DateTime stale = now - s_lastUsedResolution;
            // Conditional, so concurrent requests of one token write once, not once each.
            await context.ApiTokens.Where(t => t.Id == row.Id && (t.LastUsedAt == null || t.LastUsedAt <= stale))
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.LastUsedAt, now), cancellationToken).ConfigureAwait(false);
        }

        return row.UserId;
    }

    internal static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool LooksLikeToken(string? token) =>
        token is { Length: > 4 and < 128 } && token.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static DateTime Truncate(DateTime value) => new(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);

    private static ApiTokenInfo ToInfo(ApiToken row) =>
        new(row.Id, row.Name, row.Hint + "…", row.CreatedAt, row.ExpiresAt, row.LastUsedAt);
}
