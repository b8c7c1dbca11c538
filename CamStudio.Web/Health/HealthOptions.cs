using System.ComponentModel.DataAnnotations;

namespace CamStudio.Web.Health;

/// <summary>The background camera checks (<c>Health:*</c>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Off: no camera is ever asked; a camera's health then comes only from its stream while it streams.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two checks of the same (not streaming) camera; checks are spread across it.</summary>
    [Range(1, 86_400)]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Checks running at the same time at most.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Time limit of one check (connect plus answer).</summary>
    [Range(1, 60)]
    public int TimeoutSeconds { get; set; } = 5;

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
