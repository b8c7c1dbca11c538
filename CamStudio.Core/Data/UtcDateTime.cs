using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CamStudio.Core.Data;

/// <summary>The UTC pinning every timestamp column of the cluster tables uses.</summary>
internal static class UtcDateTime
{
    // SQLite hands DateTime back as Unspecified and Npgsql refuses non-UTC values for timestamptz: pin UTC both ways.
    public static readonly ValueConverter<DateTime, DateTime> Converter = new(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
