namespace CamStudio.Core.Views;

/// <summary>Who is asking: views are filtered and guarded per user, and sharing needs an Admin.</summary>
public sealed record ViewCaller(string UserId, bool IsAdmin);

/// <summary>
/// A view as a client sends it, on create and on update alike (an update replaces name, group, layout and order;
/// an omitted <see cref="Shared"/> keeps the stored value).
/// </summary>
public sealed class CameraViewRequest
{
    /// <summary>Required; trimmed; 1–40 characters.</summary>
    public string? Name { get; set; }

    /// <summary>An existing group's id; null (or omitted) shows every camera.</summary>
    public int? GroupId { get; set; }

    /// <summary><c>auto</c> (default), <c>1</c>, <c>2x2</c>, <c>3x3</c> or <c>4x4</c>.</summary>
    public string? Layout { get; set; }

    /// <summary>Existing camera ids in display order, no repeats; cameras left out follow in id order.</summary>
    public IReadOnlyList<int>? CameraOrder { get; set; }

    /// <summary>True lists the view for every user; Admins only.</summary>
    public bool? Shared { get; set; }
}

/// <summary>A view as one user sees it: <see cref="Owned"/> and <see cref="Editable"/> are answers for that user.</summary>
public sealed record CameraViewResponse
{
    public required int ViewId { get; init; }
    public required string Name { get; init; }
    public required int? GroupId { get; init; }
    public required string Layout { get; init; }
    public required IReadOnlyList<int> CameraOrder { get; init; }
    public required bool Shared { get; init; }

    /// <summary>Whether this is the caller's default view.</summary>
    public required bool IsDefault { get; init; }

    /// <summary>Whether the caller created it.</summary>
    public required bool Owned { get; init; }

    /// <summary>Whether the caller may change or delete it (the owner of a private view; an Admin for a shared one).</summary>
    public required bool Editable { get; init; }
}

/// <summary>The outcome of a view write; switch on the concrete type.</summary>
public abstract record CameraViewResult;

public sealed record CameraViewSaved(CameraViewResponse View) : CameraViewResult;

/// <summary>No such view, or one the caller cannot see (another user's private view is reported the same way).</summary>
public sealed record CameraViewNotFound(int ViewId) : CameraViewResult;

/// <summary>Errors keyed by <see cref="CameraViewFields"/>.</summary>
public sealed record CameraViewInvalid(IReadOnlyDictionary<string, string[]> Errors) : CameraViewResult;

/// <summary>The caller sees the view but may not do this (a Viewer sharing, or changing a shared view).</summary>
public sealed record CameraViewForbidden(string Reason) : CameraViewResult;
