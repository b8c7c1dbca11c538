namespace CamStudio.Core.Views;

/// <summary>The snake_case wire names of view fields; validation errors are keyed by these.</summary>
public static class CameraViewFields
{
    public const string ViewId = "view_id";
    public const string Name = "name";
    public const string GroupId = "group_id";
    public const string Layout = "layout";
    public const string CameraOrder = "camera_order";
    public const string Shared = "shared";
}
