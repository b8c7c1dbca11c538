using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// Scheme <see cref="SchemeName"/>: <c>Authorization: CamStudioNode &lt;token&gt;</c> on the internal node-to-node
/// endpoints. Never falls back to a cookie or an API token: a browser cannot reach these endpoints, whatever it holds.
/// The body is read (at most <see cref="MaxBodyBytes"/>) and rewound, so the endpoint still binds it.
/// </summary>
public sealed class NodeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NodeTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ClusterNode";

    /// <summary>An offer is at most 16 KiB of SDP plus its JSON envelope; anything larger is not a node call.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private const string Prefix = NodeTokenService.HeaderScheme + " ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        if (Request.ContentLength > MaxBodyBytes)
        {
            return AuthenticateResult.Fail("The body is too large for a node call.");
        }

        Request.EnableBuffering(MaxBodyBytes);
        using var copy = new MemoryStream();
        await Request.Body.CopyToAsync(copy, Context.RequestAborted);
        Request.Body.Position = 0;
        if (copy.Length > MaxBodyBytes)
        {
            return AuthenticateResult.Fail("The body is too large for a node call.");
        }

        string path = Request.PathBase.Add(Request.Path).Value ?? string.Empty;
        NodeTokenRefusal refusal = tokens.Validate(header[Prefix.Length..].Trim(), Request.Method, path,
            copy.GetBuffer().AsSpan(0, (int)copy.Length), out NodeTokenPayload? payload);
        if (refusal != NodeTokenRefusal.None || payload is null)
        {
            return AuthenticateResult.Fail($"Node token refused: {refusal}.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(NodeTokenService.ToPrincipal(payload, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A bare 401: no redirect to the sign-in page, no cookie scheme's challenge.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = NodeTokenService.HeaderScheme;
        return Task.CompletedTask;
    }
}
