using CamStudio.Core.Cameras;

namespace CamStudio.Core.Groups;

/// <summary>The group rules, shared by the REST API and the Groups page.</summary>
public static class CameraGroupValidator
{
    public const int MaxNameLength = 40;

    /// <param name="name">The name as sent.</param>
    /// <param name="label">What the messages call it ("Group name", "View name").</param>
    public static string? ValidateName(string? name, string label = "Group name")
    {
        string trimmed = CameraValidator.NormalizeName(name);
        if (trimmed.Length == 0)
        {
            return label + " is required.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"{label} must be at most {MaxNameLength} characters.";
        }

        // The camera rule (no control characters or line breaks) applies to group names as well.
        return CameraValidator.ValidateName(trimmed) is null ? null : label + " must not contain control characters or line breaks.";
    }

    public static string? ValidatePosition(int? position) =>
        position is null or >= 0 ? null : "Position must be 0 or more.";

    /// <summary>Per-field messages for a create (<paramref name="isCreate"/>) or an update; empty when valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(CameraGroupRequest request, bool isCreate)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (isCreate || request.Name is not null)
        {
            string? name = ValidateName(request.Name);
            if (name is not null)
            {
                errors[CameraGroupFields.Name] = [name];
            }
        }

        string? position = ValidatePosition(request.Position);
        if (position is not null)
        {
            errors[CameraGroupFields.Position] = [position];
        }

        return errors;
    }
}
