using CamStudio.Core.Groups;

namespace CamStudio.Core.Views;

/// <summary>The view rules that need no database (existence of the group and cameras is checked by the store).</summary>
public static class CameraViewValidator
{
    public const int MaxNameLength = 40;

    /// <summary>More cameras than any installation this app targets; bounds the stored text.</summary>
    public const int MaxCameraOrderLength = 1000;

    public const string AutoLayout = "auto";

    /// <summary>The Live page's layouts (CamStudio.Web's LiveLayouts lists the same names with their labels).</summary>
    public static IReadOnlyList<string> Layouts { get; } = [AutoLayout, "1", "2x2", "3x3", "4x4"];

    public static IReadOnlyDictionary<string, string[]> Validate(CameraViewRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? name = CameraGroupValidator.ValidateName(request.Name, "View name");
        if (name is not null)
        {
            errors[CameraViewFields.Name] = [name];
        }

        if (request.Layout is not null && !Layouts.Contains(request.Layout, StringComparer.Ordinal))
        {
            errors[CameraViewFields.Layout] = ["Layout must be one of " + string.Join(", ", Layouts) + "."];
        }

        if (request.GroupId is <= 0)
        {
            errors[CameraViewFields.GroupId] = ["group_id must be a group's id, or null for every camera."];
        }

        IReadOnlyList<int> order = request.CameraOrder ?? [];
        if (order.Count > MaxCameraOrderLength)
        {
            errors[CameraViewFields.CameraOrder] = [$"camera_order may list at most {MaxCameraOrderLength} cameras."];
        }
        else if (order.Any(id => id <= 0) || order.Distinct().Count() != order.Count)
        {
            errors[CameraViewFields.CameraOrder] = ["camera_order must list camera ids, each once."];
        }

        return errors;
    }

    /// <summary>Parses the stored order, skipping anything that is not an id (the column is written only by the store).</summary>
    public static List<int> ParseOrder(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var ids = new List<int>();
        foreach (string part in stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    public static string FormatOrder(IEnumerable<int> ids) =>
        string.Join(',', ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// <paramref name="cameraIds"/> arranged by <paramref name="order"/>: listed ids first in that order, the rest after
    /// in their own order; listed ids that are not among the cameras are dropped.
    /// </summary>
    public static List<int> Arrange(IEnumerable<int> cameraIds, IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(cameraIds);
        ArgumentNullException.ThrowIfNull(order);
        List<int> all = [.. cameraIds];
        var present = all.ToHashSet();
        List<int> arranged = [.. order.Where(present.Contains).Distinct()];
        var placed = arranged.ToHashSet();
        arranged.AddRange(all.Where(id => !placed.Contains(id)));
        return arranged;
    }
}
