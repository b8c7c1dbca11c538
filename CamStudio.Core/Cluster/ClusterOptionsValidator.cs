using System.Globalization;
using CamStudio.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Cluster;

/// <summary>
/// Start-up checks of <see cref="ClusterOptions"/> (registered only when <c>Cluster:Enabled</c> is true). Each problem is
/// one line naming the key and what to do, e.g. "Cluster:Enabled requires Database:Provider=PostgreSQL (now Sqlite)".
/// </summary>
internal sealed class ClusterOptionsValidator(IOptions<CamStudioDataOptions> data, IConfiguration configuration)
    : IValidateOptions<ClusterOptions>
{
    /// <summary>The media address every node publishes (read from configuration: the media library owns its options).</summary>
    internal const string AdvertisedAddressesKey = "WebRtc:AdvertisedAddresses";

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] advertised = [.. configuration.GetSection(AdvertisedAddressesKey).GetChildren()
            .Select(c => c.Value).OfType<string>().Where(v => !string.IsNullOrWhiteSpace(v))];
        List<string> errors = Check(options, data.Value.Provider, advertised);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The checks themselves, pure: every problem found, in a stable order.</summary>
    internal static List<string> Check(ClusterOptions options, DatabaseProvider provider, IReadOnlyCollection<string> advertisedAddresses)
    {
        var errors = new List<string>();
        if (!options.Enabled)
        {
            return errors;
        }

        if (provider != DatabaseProvider.PostgreSql)
        {
            errors.Add($"Cluster:Enabled requires Database:Provider=PostgreSQL (now {provider}).");
        }

        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            errors.Add("Cluster:Enabled requires Cluster:Redis (a StackExchange.Redis configuration string such as 10.0.0.5:6379).");
        }

        if (string.IsNullOrEmpty(options.NodeName))
        {
            errors.Add("Cluster:Enabled requires Cluster:NodeName (this node's name, unique in the cluster).");
        }
        else if (!ClusterNodeName.IsValid(options.NodeName))
        {
            errors.Add($"Cluster:NodeName must be 1-{ClusterNodeName.MaxLength} lower-case letters, digits or '-', starting with a letter or digit.");
        }

        if (!Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Cluster:AdvertisedUrl must be the absolute http(s) URL other nodes reach this node at (e.g. http://10.0.0.21:5000).");
        }

        if (advertisedAddresses.Count == 0)
        {
            errors.Add($"Cluster:Enabled requires {AdvertisedAddressesKey} (the media address browsers reach this node at; every node publishes its own).");
        }

        if (string.IsNullOrWhiteSpace(options.ChannelPrefix) || options.ChannelPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add("Cluster:ChannelPrefix must be non-empty, without spaces.");
        }

        Positive(errors, nameof(ClusterOptions.LeaseTtl), options.LeaseTtl);
        Positive(errors, nameof(ClusterOptions.RenewInterval), options.RenewInterval);
        Positive(errors, nameof(ClusterOptions.FenceMargin), options.FenceMargin);
        Positive(errors, nameof(ClusterOptions.ForwardTimeout), options.ForwardTimeout);
        Positive(errors, nameof(ClusterOptions.OwnerWait), options.OwnerWait);
        if (options.ClaimMargin < TimeSpan.Zero)
        {
            errors.Add("Cluster:ClaimMargin must not be negative.");
        }

        // The holder must get several renewals into one lease, and stop its streams well before the lease can lapse.
        if (options.LeaseTtl > TimeSpan.Zero && options.RenewInterval > options.LeaseTtl / 4)
        {
            errors.Add($"Cluster:RenewInterval must be <= LeaseTtl/4 (now {Format(options.RenewInterval)} with LeaseTtl {Format(options.LeaseTtl)}).");
        }

        if (options.LeaseTtl > TimeSpan.Zero && options.FenceMargin >= options.LeaseTtl / 2)
        {
            errors.Add($"Cluster:FenceMargin must be < LeaseTtl/2 (now {Format(options.FenceMargin)} with LeaseTtl {Format(options.LeaseTtl)}).");
        }

        return errors;
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Cluster:{key} must be greater than zero.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
