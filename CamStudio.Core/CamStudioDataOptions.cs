using System.ComponentModel.DataAnnotations;
using CamStudio.Core.Data;

namespace CamStudio.Core;

/// <summary>
/// Where CamStudio keeps its data. Keys: <c>DataDirectory</c> (or the <c>CAMSTUDIO_DATA</c> environment variable;
/// default <c>data</c>, relative to the content root), <c>Database:Provider</c> (<c>Sqlite</c> | <c>PostgreSQL</c>) and
/// <c>ConnectionStrings:CamStudio</c> (PostgreSQL only; SQLite always uses <c>&lt;DataDirectory&gt;/camstudio.db</c>).
/// </summary>
public sealed class CamStudioDataOptions : IValidatableObject
{
    public const string DatabaseSectionName = "Database";
    public const string DataDirectoryKey = "DataDirectory";
    public const string DataDirectoryEnvironmentKey = "CAMSTUDIO_DATA";
    public const string ConnectionStringName = "CamStudio";
    public const string SqliteFileName = "camstudio.db";

    /// <summary>Absolute after start-up: holds the SQLite database and the Data Protection key ring.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Bound from <c>Database:Provider</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The PostgreSQL connection string.</summary>
    public string? ConnectionString { get; set; }

    public string KeysDirectory => Path.Combine(DataDirectory, "keys");

    public string SqliteDatabasePath => Path.Combine(DataDirectory, SqliteFileName);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult("Database:Provider must be Sqlite or PostgreSQL.", [nameof(Provider)]);
        }

        if (Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Database:Provider is PostgreSQL but ConnectionStrings:CamStudio is empty.", [nameof(ConnectionString)]);
        }
    }
}
