namespace CamStudio.Core.Groups;

/// <summary>The snake_case wire names of group fields; validation errors are keyed by these.</summary>
public static class CameraGroupFields
{
    public const string GroupId = "group_id";
    public const string Name = "name";
    public const string Position = "position";
}
