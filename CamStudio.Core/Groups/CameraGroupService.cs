using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CamStudio.Core.Groups;

/// <summary>
/// <see cref="ICameraGroupStore"/> over EF Core. Positions are kept dense (0..n-1): a move or a delete renumbers the
/// list in the same save, so the order is never ambiguous.
/// </summary>
public sealed partial class CameraGroupService(
    IDbContextFactory<CamStudioDbContext> contextFactory,
    ILogger<CameraGroupService> logger) : ICameraGroupStore
{
    public async Task<IReadOnlyList<CameraGroupResponse>> ListAsync(CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<CameraGroup> groups = await context.CameraGroups.AsNoTracking()
            .OrderBy(g => g.Position).ThenBy(g => g.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        ILookup<int, int> members = (await context.CameraGroupMembers.AsNoTracking()
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(m => m.GroupId, m => m.CameraId);
        return groups.ConvertAll(g => ToResponse(g, members[g.Id]));
    }

    public async Task<CameraGroupResponse?> GetAsync(int groupId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        CameraGroup? group = await context.CameraGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken).ConfigureAwait(false);
        return group is null ? null : await WithMembersAsync(context, group, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CameraGroupResult> CreateAsync(CameraGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyDictionary<string, string[]> errors = CameraGroupValidator.Validate(request, isCreate: true);
        if (errors.Count > 0)
        {
            return new CameraGroupInvalid(errors);
        }

        var group = new CameraGroup
        {
            Name = CameraValidator.NormalizeName(request.Name),
            NormalizedName = CameraValidator.NormalizeNameKey(request.Name),
        };
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await IsNameTakenAsync(context, group.NormalizedName, null, cancellationToken).ConfigureAwait(false))
        {
            return new CameraGroupDuplicateName();
        }

        List<CameraGroup> ordered = await OrderedAsync(context, cancellationToken).ConfigureAwait(false);
        ordered.Insert(Math.Min(request.Position ?? ordered.Count, ordered.Count), group);
        Renumber(ordered);
        context.CameraGroups.Add(group);
        if (!await TrySaveAsync(context, group.NormalizedName, null, cancellationToken).ConfigureAwait(false))
        {
            return new CameraGroupDuplicateName();
        }

        LogCreated(logger, group.Id);
        return new CameraGroupSaved(ToResponse(group, []));
    }

    public async Task<CameraGroupResult> UpdateAsync(int groupId, CameraGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<CameraGroup> ordered = await OrderedAsync(context, cancellationToken).ConfigureAwait(false);
        CameraGroup? group = ordered.Find(g => g.Id == groupId);
        if (group is null)
        {
            return new CameraGroupNotFound(groupId);
        }

        IReadOnlyDictionary<string, string[]> errors = CameraGroupValidator.Validate(request, isCreate: false);
        if (errors.Count > 0)
        {
            return new CameraGroupInvalid(errors);
        }

        if (request.Name is not null)
        {
            string key = CameraValidator.NormalizeNameKey(request.Name);
            if (key != group.NormalizedName && await IsNameTakenAsync(context, key, groupId, cancellationToken).ConfigureAwait(false))
            {
                return new CameraGroupDuplicateName();
            }

            group.Name = CameraValidator.NormalizeName(request.Name);
            group.NormalizedName = key;
        }

        if (request.Position is int position)
        {
            ordered.Remove(group);
            ordered.Insert(Math.Min(position, ordered.Count), group);
            Renumber(ordered);
        }

        if (!await TrySaveAsync(context, group.NormalizedName, groupId, cancellationToken).ConfigureAwait(false))
        {
            return new CameraGroupDuplicateName();
        }

        return new CameraGroupSaved(await WithMembersAsync(context, group, cancellationToken).ConfigureAwait(false));
    }

    public async Task<bool> DeleteAsync(int groupId, CancellationToken cancellationToken)
    {
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<CameraGroup> ordered = await OrderedAsync(context, cancellationToken).ConfigureAwait(false);
        CameraGroup? group = ordered.Find(g => g.Id == groupId);
        if (group is null)
        {
            return false;
        }

        // Memberships cascade and views' group_id is set null by the database (CameraGroupConfiguration).
        context.CameraGroups.Remove(group);
        ordered.Remove(group);
        Renumber(ordered);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // deleted by someone else in between
        }

        LogDeleted(logger, groupId);
        return true;
    }

    private static async Task<List<CameraGroup>> OrderedAsync(CamStudioDbContext context, CancellationToken cancellationToken) =>
        await context.CameraGroups.OrderBy(g => g.Position).ThenBy(g => g.Id).ToListAsync(cancellationToken).ConfigureAwait(false);

    private static void Renumber(List<CameraGroup> ordered)
    {
        for (int i = 0; i < ordered.Count; i++)
        {
            ordered[i].Position = i;
        }
    }

    private async Task<bool> TrySaveAsync(CamStudioDbContext context, string normalizedName, int? exceptId, CancellationToken cancellationToken)
    {
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException)
        {
            // A creator that got in between wins the unique index; ask a fresh context whether that is what failed.
            await using CamStudioDbContext fresh = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            if (await IsNameTakenAsync(fresh, normalizedName, exceptId, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    private static Task<bool> IsNameTakenAsync(CamStudioDbContext context, string normalizedName, int? exceptId, CancellationToken cancellationToken) =>
        context.CameraGroups.AnyAsync(g => g.NormalizedName == normalizedName && (exceptId == null || g.Id != exceptId), cancellationToken);

    private static async Task<CameraGroupResponse> WithMembersAsync(CamStudioDbContext context, CameraGroup group, CancellationToken cancellationToken)
    {
        List<int> cameraIds = await context.CameraGroupMembers.AsNoTracking().Where(m => m.GroupId == group.Id)
            .Select(m => m.CameraId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ToResponse(group, cameraIds);
    }

    private static CameraGroupResponse ToResponse(CameraGroup group, IEnumerable<int> cameraIds) =>
        new(group.Id, group.Name, group.Position, [.. cameraIds.Order()]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera group {GroupId} created")]
    private static partial void LogCreated(ILogger logger, int groupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera group {GroupId} deleted")]
    private static partial void LogDeleted(ILogger logger, int groupId);
}
