using CamStudio.Core.Data;
using CamStudio.Core.Cameras;
using Microsoft.EntityFrameworkCore;

namespace CamStudio.Core.Views;

/// <summary>
/// <see cref="ICameraViewStore"/> over EF Core. Another user's private view is reported as missing, never as forbidden,
/// so ids cannot be probed for other users' views.
/// </summary>
public sealed class CameraViewService(IDbContextFactory<CamStudioDbContext> contextFactory) : ICameraViewStore
{
    public const string ShareNeedsAdmin = "Only an Admin can share a view with everyone.";
    public const string SharedNeedsAdmin = "Only an Admin can change or delete a shared view.";

    public async Task<IReadOnlyList<CameraViewResponse>> ListAsync(ViewCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        List<CameraView> views = await Visible(context, caller).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        int? defaultId = await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false);
        return [.. views
            .OrderBy(v => v.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(v => v.Id)
            .Select(v => ToResponse(v, caller, defaultId))];
    }

    public async Task<CameraViewResponse?> GetAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        CameraView? view = await Visible(context, caller).AsNoTracking().FirstOrDefaultAsync(v => v.Id == viewId, cancellationToken).ConfigureAwait(false);
        return view is null ? null : ToResponse(view, caller, await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false));
    }

    public async Task<CameraViewResponse?> GetDefaultAsync(ViewCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        int? defaultId = await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false);
        if (defaultId is null)
        {
            return null;
        }

        // A shared default that an Admin has since made private is no longer the caller's to open.
        CameraView? view = await Visible(context, caller).AsNoTracking().FirstOrDefaultAsync(v => v.Id == defaultId, cancellationToken).ConfigureAwait(false);
        return view is null ? null : ToResponse(view, caller, defaultId);
    }

    public async Task<CameraViewResult> CreateAsync(ViewCaller caller, CameraViewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Shared == true && !caller.IsAdmin)
        {
            return new CameraViewForbidden(ShareNeedsAdmin);
        }

        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, string[]> errors = await ValidateAsync(context, request, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return new CameraViewInvalid(errors);
        }

        var view = new CameraView { OwnerId = caller.UserId };
        Apply(view, request);
        context.CameraViews.Add(view);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CameraViewSaved(ToResponse(view, caller, await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false)));
    }

    public async Task<CameraViewResult> UpdateAsync(ViewCaller caller, int viewId, CameraViewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        CameraView? view = await Visible(context, caller).FirstOrDefaultAsync(v => v.Id == viewId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new CameraViewNotFound(viewId);
        }

        if (!IsEditable(view, caller))
        {
            return new CameraViewForbidden(SharedNeedsAdmin);
        }

        if (request.Shared is bool shared && shared != view.Shared && !caller.IsAdmin)
        {
            return new CameraViewForbidden(ShareNeedsAdmin);
        }

        IReadOnlyDictionary<string, string[]> errors = await ValidateAsync(context, request, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return new CameraViewInvalid(errors);
        }

        Apply(view, request);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CameraViewSaved(ToResponse(view, caller, await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false)));
    }

    public async Task<CameraViewResult> DeleteAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        CameraView? view = await Visible(context, caller).FirstOrDefaultAsync(v => v.Id == viewId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new CameraViewNotFound(viewId);
        }

        if (!IsEditable(view, caller))
        {
            return new CameraViewForbidden(SharedNeedsAdmin);
        }

        CameraViewResponse deleted = ToResponse(view, caller, await DefaultIdAsync(context, caller, cancellationToken).ConfigureAwait(false));
        // Users who made it their default open every camera again: their default rows cascade.
        context.CameraViews.Remove(view);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new CameraViewNotFound(viewId);
        }

        return new CameraViewSaved(deleted);
    }

    public async Task<CameraViewResult> SetDefaultAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        CameraView? view = await Visible(context, caller).AsNoTracking().FirstOrDefaultAsync(v => v.Id == viewId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new CameraViewNotFound(viewId);
        }

        CameraViewDefault? current = await context.CameraViewDefaults.FirstOrDefaultAsync(d => d.UserId == caller.UserId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            context.CameraViewDefaults.Add(new CameraViewDefault { UserId = caller.UserId, ViewId = viewId });
        }
        else
        {
            current.ViewId = viewId;
        }

        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CameraViewSaved(ToResponse(view, caller, viewId));
    }

    public async Task<bool> ClearDefaultAsync(ViewCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using CamStudioDbContext context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await context.CameraViewDefaults.Where(d => d.UserId == caller.UserId)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static IQueryable<CameraView> Visible(CamStudioDbContext context, ViewCaller caller) =>
        context.CameraViews.Where(v => v.OwnerId == caller.UserId || v.Shared);

    private static bool IsEditable(CameraView view, ViewCaller caller) =>
        view.Shared ? caller.IsAdmin : view.OwnerId == caller.UserId;

    private static async Task<int?> DefaultIdAsync(CamStudioDbContext context, ViewCaller caller, CancellationToken cancellationToken) =>
        await context.CameraViewDefaults.AsNoTracking().Where(d => d.UserId == caller.UserId)
            .Select(d => (int?)d.ViewId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<IReadOnlyDictionary<string, string[]>> ValidateAsync(
        CamStudioDbContext context, CameraViewRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(CameraViewValidator.Validate(request), StringComparer.Ordinal);
        if (!errors.ContainsKey(CameraViewFields.GroupId) && request.GroupId is int groupId
            && !await context.CameraGroups.AnyAsync(g => g.Id == groupId, cancellationToken).ConfigureAwait(false))
        {
            errors[CameraViewFields.GroupId] = ["No group has this group_id."];
        }

        if (!errors.ContainsKey(CameraViewFields.CameraOrder) && request.CameraOrder is { Count: > 0 } order)
        {
            List<int> ids = [.. order];
            int known = await context.Cameras.CountAsync(c => ids.Contains(c.Id), cancellationToken).ConfigureAwait(false);
            if (known != ids.Count)
            {
                errors[CameraViewFields.CameraOrder] = ["camera_order names a camera that does not exist."];
            }
        }

        return errors;
    }

    private static void Apply(CameraView view, CameraViewRequest request)
    {
        view.Name = CameraValidator.NormalizeName(request.Name);
        view.GroupId = request.GroupId;
        view.Layout = request.Layout ?? CameraViewValidator.AutoLayout;
        view.CameraOrder = CameraViewValidator.FormatOrder(request.CameraOrder ?? []);
        view.Shared = request.Shared ?? view.Shared;
    }

    private static CameraViewResponse ToResponse(CameraView view, ViewCaller caller, int? defaultId) => new()
    {
        ViewId = view.Id,
        Name = view.Name,
        GroupId = view.GroupId,
        Layout = view.Layout,
        CameraOrder = CameraViewValidator.ParseOrder(view.CameraOrder),
        Shared = view.Shared,
        IsDefault = defaultId == view.Id,
        Owned = view.OwnerId == caller.UserId,
        Editable = IsEditable(view, caller),
    };
}
