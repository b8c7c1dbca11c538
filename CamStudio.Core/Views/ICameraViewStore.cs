namespace CamStudio.Core.Views;

/// <summary>Saved Live views, always on behalf of a <see cref="ViewCaller"/>.</summary>
public interface ICameraViewStore
{
    /// <summary>The caller's own views and every shared view, by name.</summary>
    Task<IReadOnlyList<CameraViewResponse>> ListAsync(ViewCaller caller, CancellationToken cancellationToken);

    /// <summary>A view the caller can see; null for a missing view or another user's private one.</summary>
    Task<CameraViewResponse?> GetAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken);

    /// <summary>The caller's default view, when one is set and still visible to them.</summary>
    Task<CameraViewResponse?> GetDefaultAsync(ViewCaller caller, CancellationToken cancellationToken);

    Task<CameraViewResult> CreateAsync(ViewCaller caller, CameraViewRequest request, CancellationToken cancellationToken);

    Task<CameraViewResult> UpdateAsync(ViewCaller caller, int viewId, CameraViewRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes a view the caller may edit: <see cref="CameraViewSaved"/> (the deleted view) or NotFound/Forbidden.</summary>
    Task<CameraViewResult> DeleteAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken);

    /// <summary>Makes a visible view (own or shared) the caller's default, replacing any other.</summary>
    Task<CameraViewResult> SetDefaultAsync(ViewCaller caller, int viewId, CancellationToken cancellationToken);

    /// <summary>The caller's Live page opens with every camera again; false when no default was set.</summary>
    Task<bool> ClearDefaultAsync(ViewCaller caller, CancellationToken cancellationToken);
}
