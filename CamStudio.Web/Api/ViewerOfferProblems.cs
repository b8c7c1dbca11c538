using System.Globalization;
using System.Text;
using CamStudio.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CamStudio.Web.Api;

/// <summary>The HTTP face of <see cref="ViewerOfferService"/>'s refusals, shared by the JSON offer and WHEP endpoints.</summary>
internal static class ViewerOfferProblems
{
    /// <summary>
    /// The RFC 9457 problem for a refused offer: the error's status, its code as the <c>code</c> extension, whether a
    /// retry can help as <c>retryable</c>, and Retry-After when the rate limit refused it.
    /// </summary>
    public static ProblemHttpResult From(ViewerOfferOutcome outcome, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(response);
        ViewerOfferError error = outcome.Error ?? throw new ArgumentException("The offer was answered, not refused.", nameof(outcome));
        if (error == ViewerOfferError.RateLimited)
        {
            response.Headers.RetryAfter = outcome.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(
            statusCode: error.HttpStatus(),
            title: error.Title(),
            detail: outcome.Detail,
            extensions: new Dictionary<string, object?> { ["code"] = error.Code(), ["retryable"] = error.IsRetryable() });
    }

    /// <summary>Documents every refusal an offer endpoint can answer with.</summary>
    public static RouteHandlerBuilder WithViewerOfferProblems(this RouteHandlerBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        foreach (ViewerOfferError error in Enum.GetValues<ViewerOfferError>().DistinctBy(e => e.HttpStatus()))
        {
            endpoint.ProducesProblem(error.HttpStatus());
        }

        return endpoint;
    }
}

/// <summary>
/// ICE servers as WHEP/WHIP <c>Link</c> headers (RFC 9725 §4.6): one <c>rel="ice-server"</c> link per URL, with the
/// server's username and credential as quoted parameters, so a standard WHEP player configures STUN/TURN by itself.
/// </summary>
internal static class IceServerLinks
{
    public static string[] Format(IReadOnlyList<IceServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        List<string> links = [];
        foreach (IceServer server in servers)
        {
            foreach (string url in server.Urls)
            {
                var link = new StringBuilder().Append('<').Append(url).Append(">; rel=\"ice-server\"");
                if (server.Username is not null)
                {
                    link.Append("; username=").Append(Quoted(server.Username));
                }

                if (server.Credential is not null)
                {
                    link.Append("; credential=").Append(Quoted(server.Credential)).Append("; credential-type=\"password\"");
                }

                links.Add(link.ToString());
            }
        }

        return [.. links];
    }

    // RFC 9110 §5.6.4 quoted-string: backslash-escape the quote and the backslash.
    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
