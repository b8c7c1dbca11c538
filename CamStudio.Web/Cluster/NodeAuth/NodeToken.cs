using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// What one node-to-node request carries in <c>Authorization: CamStudioNode &lt;token&gt;</c>: the calling node, the
/// exact request it authorises (method, path, SHA-256 of the body), a one-time nonce, and the user the entry node
/// admitted, so the owner acts for that user without a second sign-in.
/// </summary>
public sealed record NodeTokenPayload(
    string FromNode,
    Guid Incarnation,
    string Method,
    string Path,
    string BodySha256,
    string Nonce,
    string UserId,
    string? UserName,
    IReadOnlyList<string> Roles);

/// <summary>Why a node token was refused (the handler's failure message; never contains the token).</summary>
public enum NodeTokenRefusal
{
    None,

    /// <summary>Not a token of this key ring, altered, or past its 30 s lifetime (authenticated encryption tells us which only as "bad").</summary>
    Invalid,

    /// <summary>The token authorises another method or path than the request's.</summary>
    WrongRequest,

    /// <summary>The body is not the one the token was minted for.</summary>
    WrongBody,

    /// <summary>The nonce was seen within the replay window: a captured request played again.</summary>
    Replayed,
}

/// <summary>
/// Mints and checks node tokens with the Data Protection key ring every node already shares (the cluster database's key
/// ring, CamStudio.Core/Cluster/ClusterKeyRing): no extra secret to distribute. The time-limited protector is
/// authenticated encryption, so a token can be neither read nor altered without the ring, and it carries its expiry.
/// </summary>
public sealed class NodeTokenService(IDataProtectionProvider provider, NodeNonceCache nonces, TimeProvider time)
{
    public const string Purpose = "CamStudio.Cluster.Node.v1";
    public const string HeaderScheme = "CamStudioNode";

    /// <summary>Long enough for a forwarded offer on a busy LAN, short enough that a leaked token is soon worthless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>The claim every principal built from a node token carries: the calling node's name.</summary>
    public const string ViaNodeClaim = "camstudio:via_node";

    /// <summary>Hex SHA-256 of a request body (an empty body hashes like any other).</summary>
    public static string HashBody(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>A token for one request by <paramref name="identity"/> on behalf of <paramref name="user"/>.</summary>
    public string Mint(ClusterNodeIdentity identity, ClaimsPrincipal user, string method, string path, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(user);
        var payload = new NodeTokenPayload(
            identity.Name,
            identity.Incarnation,
            method.ToUpperInvariant(),
            path,
            HashBody(body),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty,
            user.FindFirstValue(ClaimTypes.Name),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray());
        byte[] plain = JsonSerializer.SerializeToUtf8Bytes(payload, ClusterJson.Options);
        return WebEncoders.Base64UrlEncode(_protector.Protect(plain, time.GetUtcNow() + Lifetime));
    }

    /// <summary>
    /// Checks <paramref name="token"/> against the request it arrived with. The nonce is spent only by a token that passed
    /// every other check, so a forged request cannot burn a genuine token's nonce.
    /// </summary>
    public NodeTokenRefusal Validate(string token, string method, string path, ReadOnlySpan<byte> body, out NodeTokenPayload? payload)
    {
        payload = null;
        NodeTokenPayload? read;
        try
        {
            byte[] plain = _protector.Unprotect(WebEncoders.Base64UrlDecode(token), out _);
            read = JsonSerializer.Deserialize<NodeTokenPayload>(plain, ClusterJson.Options);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return NodeTokenRefusal.Invalid;
        }

        if (read is null || string.IsNullOrEmpty(read.Nonce) || string.IsNullOrEmpty(read.UserId) || read.Roles is null)
        {
            return NodeTokenRefusal.Invalid;
        }

        if (!string.Equals(read.Method, method, StringComparison.OrdinalIgnoreCase) || !string.Equals(read.Path, path, StringComparison.Ordinal))
        {
            return NodeTokenRefusal.WrongRequest;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(read.BodySha256), Encoding.ASCII.GetBytes(HashBody(body))))
        {
            return NodeTokenRefusal.WrongBody;
        }

        if (!nonces.TryUse(read.Nonce))
        {
            return NodeTokenRefusal.Replayed;
        }

        payload = read;
        return NodeTokenRefusal.None;
    }

    /// <summary>The forwarded user as the owner node sees it: id, name, roles, and the node it came through.</summary>
    public static ClaimsPrincipal ToPrincipal(NodeTokenPayload payload, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, payload.UserId), new(ViaNodeClaim, payload.FromNode) };
        if (payload.UserName is { } name)
        {
            claims.Add(new Claim(ClaimTypes.Name, name));
        }

        claims.AddRange(payload.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }
}
