using CamStudio.Core.Data;
using CamStudio.Core.Groups;
using CamStudio.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CamStudio.Core.Cameras;

/// <summary>
/// <see cref="ICameraStore"/> over EF Core. Sets timestamps and the version itself; clients never do. Duplicate names
/// are found up front for a clear answer and again through the unique index, which closes the race between two
/// creators.
/// </summary>
public sealed partial class CameraService(
    IDbContextFactory<CamStudioDbContext> contextFactory,
    ICameraPasswordProtector passwordProtector,
    TimeProvider timeProvider,
    ILogger<CameraService> logger) : ICameraStore
{
    public async Task<IReadOnlyList<CameraResponse>> ListAsync(CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<Camera> cameras = await context.Cameras.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        ILookup<int, int> groups = (await context.CameraGroupMembers.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(m => m.CameraId, m => m.GroupId);
        return cameras.ConvertAll(c => CameraResponse.FromEntity(c, groups[c.Id]));
    }

    public async Task<CameraResponse?> GetAsync(int cameraId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        Camera? camera = await context.Cameras.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cameraId, cancellationToken).ConfigureAwait(false);
        return camera is null ? null : CameraResponse.FromEntity(camera, await GroupIdsAsync(context, cameraId, cancellationToken).ConfigureAwait(false));
    }

    public async Task<CameraResult> CreateAsync(CameraCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyDictionary<string, string[]> errors = CameraValidator.Validate(request);
        if (errors.Count > 0)
        {
            return new CameraInvalid(errors);
        }

        string brand = CameraValidator.NormalizeBrand(request.Brand);
        CameraBrandPresets.TryGet(brand, out CameraBrandPreset? preset);
        DateTime now = UtcNow();
        var camera = new Camera
        {
            Name = CameraValidator.NormalizeName(request.Name),
            NormalizedName = CameraValidator.NormalizeNameKey(request.Name),
            Source = request.Source ?? CameraSourceKind.Rtsp,
            IpAddress = CameraValidator.NormalizeHost(request.IpAddress),
            RtspPort = request.RtspPort ?? preset?.RtspPort ?? CameraDefaults.RtspPort,
            Brand = brand,
            HdPath = request.HdPath is null ? preset?.HdPath ?? CameraDefaults.HdPath : CameraValidator.NormalizePath(request.HdPath),
            SdPath = request.SdPath is null ? preset?.SdPath ?? CameraDefaults.SdPath : CameraValidator.NormalizePath(request.SdPath),
            Username = request.Username ?? string.Empty,
            ProtectedPassword = string.IsNullOrEmpty(request.Password) ? null : passwordProtector.Protect(request.Password),
            StreamQuality = request.StreamQuality ?? CameraDefaults.Quality,
            Audio = request.Audio ?? CameraDefaults.Audio,
            Description = request.Description ?? string.Empty,
            PinnedNode = CameraValidator.NormalizePinnedNode(request.PinnedNode),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };

        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await IsNameTakenAsync(context, camera.NormalizedName, exceptId: null, cancellationToken).ConfigureAwait(false))
        {
            return new CameraConflict(CameraConflictReason.DuplicateName);
        }

        IReadOnlyList<int> groups = request.Groups ?? [];
        if (!await GroupsExistAsync(context, groups, cancellationToken).ConfigureAwait(false))
        {
            return UnknownGroups();
        }

        context.Cameras.Add(camera);
        try
        {
            // The memberships need the camera's generated id: two saves, one transaction, so no camera is ever stored
            // without the groups it was created with.
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            context.CameraGroupMembers.AddRange(groups.Select(g => new CameraGroupMember { GroupId = g, CameraId = camera.Id }));
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            if (await IsNameTakenAsync(camera.NormalizedName, null, cancellationToken).ConfigureAwait(false))
            {
                return new CameraConflict(CameraConflictReason.DuplicateName);
            }

            throw;
        }

        LogCreated(logger, camera.Id, camera.Source);
        return new CameraSaved(CameraResponse.FromEntity(camera, groups));
    }

    public async Task<CameraResult> UpdateAsync(int cameraId, CameraUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        Camera? camera = await context.Cameras.FirstOrDefaultAsync(c => c.Id == cameraId, cancellationToken).ConfigureAwait(false);
        if (camera is null)
        {
            return new CameraNotFound(cameraId);
        }

        if (update.Version is int expected && expected != camera.Version)
        {
            return new CameraConflict(CameraConflictReason.Concurrency, camera.Version);
        }

        CameraCreateRequest merged = Merge(camera, update);
        IReadOnlyDictionary<string, string[]> errors = CameraValidator.Validate(merged);
        if (update.ClearPassword == true && !string.IsNullOrEmpty(update.Password))
        {
            errors = new Dictionary<string, string[]>(errors, StringComparer.Ordinal)
            {
                [CameraFields.ClearPassword] = ["Send either a new password or clear_password, not both."],
            };
        }

        if (errors.Count == 0 && update.Groups is not null
            && !await GroupsExistAsync(context, update.Groups, cancellationToken).ConfigureAwait(false))
        {
            return UnknownGroups();
        }

        if (errors.Count > 0)
        {
            return new CameraInvalid(errors);
        }

        string normalizedName = CameraValidator.NormalizeNameKey(merged.Name);
        if (normalizedName != camera.NormalizedName
            && await IsNameTakenAsync(context, normalizedName, cameraId, cancellationToken).ConfigureAwait(false))
        {
            return new CameraConflict(CameraConflictReason.DuplicateName);
        }

        Apply(camera, merged, normalizedName);
        if (update.ClearPassword == true)
        {
            camera.ProtectedPassword = null;
        }
        else if (!string.IsNullOrEmpty(update.Password))
        {
            camera.ProtectedPassword = passwordProtector.Protect(update.Password);
        }

        List<CameraGroupMember> members = await context.CameraGroupMembers.Where(m => m.CameraId == cameraId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (update.Groups is not null)
        {
            context.CameraGroupMembers.RemoveRange(members.Where(m => !update.Groups.Contains(m.GroupId)));
            context.CameraGroupMembers.AddRange(update.Groups.Where(g => !members.Exists(m => m.GroupId == g))
                .Select(g => new CameraGroupMember { GroupId = g, CameraId = cameraId }));
        }

        camera.UpdatedAt = UtcNow();
        // The original value stays in EF's WHERE clause, so a writer that got in between makes this update match no row.
        camera.Version++;
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConcurrencyConflictAsync(cameraId, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            if (await IsNameTakenAsync(normalizedName, cameraId, cancellationToken).ConfigureAwait(false))
            {
                return new CameraConflict(CameraConflictReason.DuplicateName);
            }

            throw;
        }

        LogUpdated(logger, camera.Id, camera.Version);
        return new CameraSaved(CameraResponse.FromEntity(camera, update.Groups ?? members.ConvertAll(m => m.GroupId)));
    }

    public async Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        int deleted = await context.Cameras.Where(c => c.Id == cameraId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogDeleted(logger, cameraId);
        }

        return deleted > 0;
    }

    public async Task<CameraStreamSource?> GetStreamSourceAsync(int cameraId, CancellationToken cancellationToken)
    {
        Camera? camera = await FindAsync(cameraId, cancellationToken).ConfigureAwait(false);
        if (camera is null)
        {
            return null;
        }

        return new CameraStreamSource
        {
            CameraId = camera.Id,
            Source = camera.Source,
            Host = camera.IpAddress,
            RtspPort = camera.RtspPort,
            HdPath = camera.HdPath,
            SdPath = camera.SdPath,
            Username = camera.Username,
            Password = camera.ProtectedPassword is null ? string.Empty : passwordProtector.Unprotect(camera.ProtectedPassword),
            StreamQuality = camera.StreamQuality,
            Audio = camera.Audio,
        };
    }

    /// <summary>
    /// Now, cut to whole microseconds: PostgreSQL keeps no finer, and the response to a write must equal what a later
    /// read returns.
    /// </summary>
    private DateTime UtcNow()
    {
        DateTime now = timeProvider.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    private static CameraCreateRequest Merge(Camera camera, CameraUpdate update)
    {
        // A new brand brings its preset paths unless the update names paths itself.
        bool brandChanged = update.Brand is not null
            && !string.Equals(CameraValidator.NormalizeBrand(update.Brand), camera.Brand, StringComparison.Ordinal);
        CameraBrandPreset? preset = null;
        if (brandChanged)
        {
            CameraBrandPresets.TryGet(update.Brand?.Trim(), out preset);
        }

        return new CameraCreateRequest
        {
            Name = update.Name ?? camera.Name,
            Source = update.Source ?? camera.Source,
            IpAddress = update.IpAddress ?? camera.IpAddress,
            RtspPort = update.RtspPort ?? camera.RtspPort,
            Brand = update.Brand ?? camera.Brand,
            HdPath = update.HdPath ?? preset?.HdPath ?? camera.HdPath,
            SdPath = update.SdPath ?? preset?.SdPath ?? camera.SdPath,
            Username = update.Username ?? camera.Username,
            Password = string.IsNullOrEmpty(update.Password) ? null : update.Password,
            StreamQuality = update.StreamQuality ?? camera.StreamQuality,
            Audio = update.Audio ?? camera.Audio,
            Description = update.Description ?? camera.Description,
            PinnedNode = update.PinnedNode ?? camera.PinnedNode,
            Groups = update.Groups,
        };
    }

    private static void Apply(Camera camera, CameraCreateRequest merged, string normalizedName)
    {
        camera.Name = CameraValidator.NormalizeName(merged.Name);
        camera.NormalizedName = normalizedName;
        camera.Source = merged.Source ?? camera.Source;
        camera.IpAddress = CameraValidator.NormalizeHost(merged.IpAddress);
        camera.RtspPort = merged.RtspPort ?? camera.RtspPort;
        camera.Brand = CameraValidator.NormalizeBrand(merged.Brand);
        camera.HdPath = CameraValidator.NormalizePath(merged.HdPath ?? camera.HdPath);
        camera.SdPath = CameraValidator.NormalizePath(merged.SdPath ?? camera.SdPath);
        camera.Username = merged.Username ?? string.Empty;
        camera.StreamQuality = merged.StreamQuality ?? camera.StreamQuality;
        camera.Audio = merged.Audio ?? camera.Audio;
        camera.Description = merged.Description ?? string.Empty;
        camera.PinnedNode = CameraValidator.NormalizePinnedNode(merged.PinnedNode);
    }

    private static async Task<List<int>> GroupIdsAsync(CamStudioDbContext context, int cameraId, CancellationToken cancellationToken) =>
        await context.CameraGroupMembers.AsNoTracking().Where(m => m.CameraId == cameraId).Select(m => m.GroupId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<bool> GroupsExistAsync(CamStudioDbContext context, IReadOnlyList<int> groupIds, CancellationToken cancellationToken)
    {
        if (groupIds.Count == 0)
        {
            return true;
        }

        List<int> ids = [.. groupIds];
        return await context.CameraGroups.CountAsync(g => ids.Contains(g.Id), cancellationToken).ConfigureAwait(false) == ids.Count;
    }

    private static CameraInvalid UnknownGroups() => new(new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [CameraFields.Groups] = ["groups names a group that does not exist (see GET /api/groups)."],
    });

    private async Task<Camera?> FindAsync(int cameraId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await context.Cameras.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cameraId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CameraResult> ConcurrencyConflictAsync(int cameraId, CancellationToken cancellationToken)
    {
        Camera? current = await FindAsync(cameraId, cancellationToken).ConfigureAwait(false);
        return current is null
            ? new CameraNotFound(cameraId)
            : new CameraConflict(CameraConflictReason.Concurrency, current.Version);
    }

    private async Task<bool> IsNameTakenAsync(string normalizedName, int? exceptId, CancellationToken cancellationToken)
    {
        // The failed context is unusable after a unique-index violation; ask a fresh one.
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await IsNameTakenAsync(context, normalizedName, exceptId, cancellationToken).ConfigureAwait(false);
    }

    private static Task<bool> IsNameTakenAsync(CamStudioDbContext context, string normalizedName, int? exceptId, CancellationToken cancellationToken) =>
        context.Cameras.AnyAsync(c => c.NormalizedName == normalizedName && (exceptId == null || c.Id != exceptId), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId} created ({Source})")]
    private static partial void LogCreated(ILogger logger, int cameraId, CameraSourceKind source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId} updated to version {Version}")]
    private static partial void LogUpdated(ILogger logger, int cameraId, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId} deleted")]
    private static partial void LogDeleted(ILogger logger, int cameraId);
}
