namespace CamStudio.Core.Views;

/// <summary>
/// A saved Live page: a group (or every camera), a layout and a camera order, owned by one user. A shared view is listed
/// for every user and only Admins may change it.
/// </summary>
public sealed class CameraView
{
    public int Id { get; set; }

    /// <summary>The Identity user id of the owner; the view goes when the user does.</summary>
    public string OwnerId { get; set; } = string.Empty;

    /// <summary>Trimmed, 1–40 characters.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The group shown; null means every camera (also after the group is deleted).</summary>
    public int? GroupId { get; set; }

    /// <summary>One of <see cref="CameraViewValidator.Layouts"/>.</summary>
    public string Layout { get; set; } = CameraViewValidator.AutoLayout;

    /// <summary>
    /// Camera ids in display order, comma-separated. Cameras not listed follow in id order; ids of deleted cameras are
    /// skipped when shown. A text column rather than a table: it is read and written whole, never queried.
    /// </summary>
    public string CameraOrder { get; set; } = string.Empty;

    public bool Shared { get; set; }
}

/// <summary>The view a user's Live page opens with when the address names none; at most one per user.</summary>
public sealed class CameraViewDefault
{
    public string UserId { get; set; } = string.Empty;

    public int ViewId { get; set; }
}
