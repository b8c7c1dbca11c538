using CamStudio.Core.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Cluster;

/// <summary>
/// Makes sure the shared key ring holds a usable key before anything protects a value, with nodes starting together on
/// an empty table agreeing on one key. Runs right after the migrations (and before Data Protection's own start-up
/// hosted service, which would otherwise create a key per node): under a transaction-scoped PostgreSQL advisory lock it
/// imports the node's file key ring when the table is empty (a single PostgreSQL node switching to cluster mode keeps
/// its camera passwords), then creates a key only if none is usable. The next node takes the lock after the commit and
/// finds the key.
/// </summary>
internal sealed partial class ClusterKeyRingInitializer(
    IDbContextFactory<CamStudioDbContext> contextFactory,
    IKeyManager keyManager,
    IOptions<KeyManagementOptions> keyOptions,
    IOptions<CamStudioDataOptions> dataOptions,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IHostedService
{
    /// <summary>The advisory lock's key: any constant no other CamStudio code uses ("CSKEYRNG").</summary>
    internal const long LockKey = 0x43534B45_59524E47;

    // Data Protection makes the next key this long before the current one expires; a key closer to its end than this is
    // not worth keeping as the only one (the first request would make another, unlocked).
    private static readonly TimeSpan s_propagationWindow = TimeSpan.FromDays(2);

    private readonly ILogger _logger = loggerFactory.CreateLogger<ClusterKeyRingInitializer>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IXmlRepository repository = keyOptions.Value.XmlRepository
            ?? throw new InvalidOperationException("The cluster key ring is not configured.");
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);

        // The repository and the key manager write through their own connections (committed at once): the lock only
        // orders the nodes, it does not need to cover the rows.
        if (!await context.DataProtectionKeys.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            int imported = ImportFileKeyRing(repository);
            if (imported > 0)
            {
                LogImported(_logger, imported, dataOptions.Value.KeysDirectory);
            }
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        if (!keyManager.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + s_propagationWindow))
        {
            IKey key = keyManager.CreateNewKey(now, now + keyOptions.Value.NewKeyLifetime);
            LogCreated(_logger, key.KeyId);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private int ImportFileKeyRing(IXmlRepository repository)
    {
        var directory = new DirectoryInfo(dataOptions.Value.KeysDirectory);
        if (!directory.Exists)
        {
            return 0;
        }

        int count = 0;
        foreach (var element in new FileSystemXmlRepository(directory, loggerFactory).GetAllElements())
        {
            // The friendly name Data Protection gives a key it stores: "key-<id>".
            string id = (string?)element.Attribute("id") ?? Guid.NewGuid().ToString();
            repository.StoreElement(element, "key-" + id);
            count++;
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster key ring: imported {Count} element(s) of the file key ring in {Directory}")]
    private static partial void LogImported(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster key ring: created the first key {KeyId}")]
    private static partial void LogCreated(ILogger logger, Guid keyId);
}
