using System.Text.RegularExpressions;

namespace CamStudio.Core.Cluster;

/// <summary>
/// The one spelling rule for node names (<c>Cluster:NodeName</c>, <c>cameras.pinned_node</c>): lower-case letters,
/// digits and '-', starting with a letter or digit, at most 32 characters. Safe in a URL path, a Redis key, a metric
/// label and a log line without escaping.
/// </summary>
public static partial class ClusterNodeName
{
    public const int MaxLength = 32;

    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,31}$";

    public static bool IsValid(string? name) => name is not null && Regex().IsMatch(name);

    // \z semantics: '$' would also accept a trailing '\n'.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Regex();
}
