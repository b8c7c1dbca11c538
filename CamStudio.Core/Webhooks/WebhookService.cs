using System.Security.Cryptography;
using CamStudio.Core.Data;
using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Webhooks;

/// <summary>
/// Creates, lists, changes and deletes webhooks (Admin only: callers check the role). A secret is returned only by the
/// call that created it; everything else shows <see cref="WebhookInfo.SecretHint"/>.
/// </summary>
public sealed class WebhookService(
    IDbContextFactory<CamStudioDbContext> contexts,
    WebhookSecretProtector protector,
    WebhookDeliveryStatus deliveries,
    TimeProvider time)
{
    private const int GeneratedSecretBytes = 32;

    public async Task<IReadOnlyList<WebhookInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<Webhook> rows = await context.Webhooks.AsNoTracking().OrderBy(w => w.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToInfo).ToList();
    }

    public async Task<WebhookInfo?> GetAsync(int webhookId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        Webhook? row = await context.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == webhookId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToInfo(row);
    }

    public async Task<WebhookResult> CreateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Dictionary<string, string[]> errors = WebhookValidator.Validate(request, creating: true);
        if (errors.Count > 0)
        {
            return new WebhookInvalid(errors);
        }

        string secret = string.IsNullOrEmpty(request.Secret) ? GenerateSecret() : request.Secret;
        DateTime now = Now();
        var row = new Webhook
        {
            Name = request.Name!.Trim(),
            Url = request.Url!.Trim(),
            ProtectedSecret = protector.Protect(secret),
            SecretHint = Hint(secret),
            Enabled = request.Enabled ?? true,
            EventKinds = JoinKinds(request.EventKinds),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        context.Webhooks.Add(row);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookSaved(ToInfo(row), secret);
    }

    /// <summary>Changes the fields that are set; a new or regenerated secret is returned once in <see cref="WebhookSaved.Secret"/>.</summary>
    public async Task<WebhookResult> UpdateAsync(int webhookId, WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Dictionary<string, string[]> errors = WebhookValidator.Validate(request, creating: false);
        if (errors.Count > 0)
        {
            return new WebhookInvalid(errors);
        }

        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        Webhook? row = await context.Webhooks.FirstOrDefaultAsync(w => w.Id == webhookId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return new WebhookNotFound();
        }

        if (request.Name is not null)
        {
            row.Name = request.Name.Trim();
        }

        if (request.Url is not null)
        {
            row.Url = request.Url.Trim();
        }

        if (request.Enabled is { } enabled)
        {
            row.Enabled = enabled;
        }

        if (request.EventKinds is not null)
        {
            row.EventKinds = JoinKinds(request.EventKinds);
        }

        string? secret = !string.IsNullOrEmpty(request.Secret) ? request.Secret : request.RegenerateSecret ? GenerateSecret() : null;
        if (secret is not null)
        {
            row.ProtectedSecret = protector.Protect(secret);
            row.SecretHint = Hint(secret);
        }

        row.UpdatedAt = Now();
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookSaved(ToInfo(row), secret);
    }

    public async Task<bool> DeleteAsync(int webhookId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        int deleted = await context.Webhooks.Where(w => w.Id == webhookId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        deliveries.Forget(webhookId);
        return deleted > 0;
    }

    /// <summary>Enabled webhooks (or the one asked for, enabled or not), with their secrets in clear, for delivery only.</summary>
    internal async Task<IReadOnlyList<WebhookTarget>> GetTargetsAsync(int? onlyWebhookId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        IQueryable<Webhook> query = context.Webhooks.AsNoTracking();
        query = onlyWebhookId is { } id ? query.Where(w => w.Id == id) : query.Where(w => w.Enabled);
        List<Webhook> rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new WebhookTarget(r.Id, r.Name, new Uri(r.Url), TryUnprotect(r.ProtectedSecret), ParseKinds(r.EventKinds))).ToList();
    }

    // A database restored without its key ring: that webhook fails with a clear result, the others still deliver.
    private string? TryUnprotect(string protectedSecret)
    {
        try
        {
            return protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    internal static IReadOnlySet<CameraHealthState> ParseKinds(string stored)
    {
        var states = new HashSet<CameraHealthState>();
        foreach (string name in stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (CameraHealthStates.TryParse(name, out CameraHealthState state))
            {
                states.Add(state);
            }
        }

        return states;
    }

    private static string JoinKinds(IReadOnlyList<string>? kinds)
    {
        if (kinds is null)
        {
            return string.Empty;
        }

        // Stored in the canonical order and spelling, whatever order or case the request used.
        return string.Join(',', CameraHealthStates.Reportable
            .Where(s => kinds.Any(k => CameraHealthStates.TryParse(k, out CameraHealthState parsed) && parsed == s))
            .Select(CameraHealthStates.WireName));
    }

    private WebhookInfo ToInfo(Webhook row) => new(
        row.Id,
        row.Name,
        MaskUrl(row.Url),
        row.Enabled,
        [.. ParseKinds(row.EventKinds).Order().Select(CameraHealthStates.WireName)],
        "••••" + row.SecretHint,
        row.CreatedAt,
        row.UpdatedAt,
        deliveries.Get(row.Id));

    /// <summary>
    /// The URL as shown back: origin and first path segment, the rest (further segments, query) as "…". Many services'
    /// webhook URLs carry their own secret in the path or query (Slack, Discord, Home Assistant), so the full URL is
    /// write-only like the secret.
    /// </summary>
    public static string MaskUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            return "…";
        }

        string origin = uri.GetLeftPart(UriPartial.Authority);
        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        bool hidden = segments.Length > 1 || uri.Query.Length > 1;
        return origin + "/" + (segments.Length > 0 ? segments[0] : string.Empty) + (hidden ? "/…" : string.Empty);
    }

    private static string GenerateSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedSecretBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hint(string secret) => secret[^WebhookValidator.SecretHintLength..];

    private DateTime Now()
    {
        DateTime value = time.GetUtcNow().UtcDateTime;
        // PostgreSQL keeps microseconds: store what will be read back.
        return new DateTime(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);
    }
}

/// <summary>The last delivery result of each webhook, in memory (runtime state, not configuration).</summary>
public sealed class WebhookDeliveryStatus
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, WebhookDeliveryResult> _last = new();

    public WebhookDeliveryResult? Get(int webhookId) => _last.TryGetValue(webhookId, out WebhookDeliveryResult? result) ? result : null;

    internal void Set(int webhookId, WebhookDeliveryResult result) => _last[webhookId] = result;

    internal void Forget(int webhookId) => _last.TryRemove(webhookId, out _);
}
