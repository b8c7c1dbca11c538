namespace CamStudio.Web.Components.Live;

/// <summary>The Live page's grid layouts (the same names wwwroot-js/src/layout.js stores per browser).</summary>
public static class LiveLayouts
{
    public const string Auto = "auto";

    /// <summary>Every layout with its button label, in picker order.</summary>
    public static IReadOnlyList<(string Value, string Label)> All { get; } =
    [
        (Auto, "Auto"),
        ("1", "1"),
        ("2x2", "2×2"),
        ("3x3", "3×3"),
        ("4x4", "4×4"),
    ];

    public static bool IsKnown(string? layout) => All.Any(l => string.Equals(l.Value, layout, StringComparison.Ordinal));

    /// <summary>
    /// Tiles per page: a fixed layout's cells (2×2 → 4); auto grows up to 4×4. Cameras past a page wait on the next
    /// page and are not mounted, so no stream is pulled for them. The one-column layout is a list to scroll (a phone's
    /// view): it pages by 16 like auto, and its tiles out of view already stop watching.
    /// </summary>
    public static int PageSize(string layout) => layout switch
    {
        "1" => 16,
        "2x2" => 4,
        "3x3" => 9,
        _ => 16,
    };

    /// <summary>Grid columns: fixed layouts say so; auto picks the smallest square grid that fits every camera.</summary>
    public static int Columns(string layout, int cameraCount) => layout switch
    {
        "1" => 1,
        "2x2" => 2,
        "3x3" => 3,
        "4x4" => 4,
        _ => Math.Clamp((int)Math.Ceiling(Math.Sqrt(Math.Max(cameraCount, 1))), 1, 4),
    };
}
