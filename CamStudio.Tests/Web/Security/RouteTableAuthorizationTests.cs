using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CamStudio.Core.Accounts;
using CamStudio.Web.Cluster.NodeAuth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CamStudio.Tests.Web.Security;

/// <summary>
/// Every endpoint of the running app's route table (REST, WHEP, the WebSocket, operations, Razor component pages, the
/// Blazor hub, static assets) is called: anonymous callers get 401 (machine surfaces) or a redirect to the sign-in page
/// (pages) unless the endpoint is on the deliberate allow-list, and a Viewer token gets 403 on every Admin endpoint.
/// A new endpoint without protection, or a new Admin endpoint nobody listed, fails here.
/// </summary>
public sealed partial class RouteTableAuthorizationTests(ITestOutputHelper output)
{
    /// <summary>Anonymous on purpose: probes, the sign-in and first-run forms, the error page.</summary>
    private static readonly HashSet<string> s_anonymousAllowList = new(StringComparer.Ordinal)
    {
        "health/live", "health/ready", "account/login", "account/setup", "Error",
        // The vendored hls.js's licence, a static file served next to the module (it has no extension).
        "js/vendor/hls.js/LICENSE",
    };

    /// <summary>What only an Admin may call (method + route pattern); pages accept GET and POST.</summary>
    private static readonly HashSet<string> s_adminOnly = new(StringComparer.Ordinal)
    {
        "POST api/cameras/create", "PUT api/cameras/{camera_id:int}", "DELETE api/cameras/{camera_id:int}",
        "GET cameras/new", "POST cameras/new", "GET cameras/{CameraId:int}/edit", "POST cameras/{CameraId:int}/edit",
        "GET users", "POST users",
        "GET api/webhooks/", "GET api/webhooks/{webhook_id:int}", "POST api/webhooks/create", "PUT api/webhooks/{webhook_id:int}",
        "DELETE api/webhooks/{webhook_id:int}", "POST api/webhooks/{webhook_id:int}/test", "GET webhooks", "POST webhooks",
        "POST api/groups/", "PUT api/groups/{group_id:int}", "DELETE api/groups/{group_id:int}", "GET groups", "POST groups",
    };

    [Fact]
    public async Task Every_endpoint_rejects_anonymous_callers_and_viewers_are_refused_admin_endpoints()
    {
        await using var app = new CamStudioAppFactory(new Dictionary<string, string?>
        {
            ["Security:OffersPerMinute"] = "10000",
        }, services => services.AddClusterNodeAuth()); // the cluster's internal node-to-node routes are in the table too
        string viewerToken = await TestAccounts.CreateUserWithTokenAsync(app.Services, "route-viewer", CamStudioRoles.Viewer);
        using HttpClient anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        anonymous.DefaultRequestHeaders.Authorization = null;
        using HttpClient viewer = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewerToken);

        List<(string Method, string Pattern, Endpoint Endpoint)> routes = Routes(app.Services);
        routes.Should().Contain(r => r.Pattern.StartsWith("_blazor", StringComparison.Ordinal), "the Blazor circuit hub is in the table");
        routes.Should().Contain(r => r.Pattern == "cameras/new", "Razor component pages are in the table");
        routes.Should().Contain(r => r.Pattern == "api/cameras/{camera_id:int}/whep");
        routes.Select(r => r.Method + " " + r.Pattern).Should().Contain(
        [
            "POST internal/cluster/cameras/{camera_id:int}/offer",
            "GET internal/cluster/cameras/{camera_id:int}/snapshot.jpg",
            "GET internal/cluster/cameras/{camera_id:int}/poster.jpg",
            "POST internal/cluster/cameras/{camera_id:int}/changed",
            "POST internal/cluster/cameras/{camera_id:int}/deleted",
        ], "every node-to-node route is checked below: 401 anonymous and with a user's API token");
        routes.Select(r => r.Method + " " + r.Pattern).Should().Contain(
            ["DELETE internal/cluster/sessions/{session_id}", "POST internal/cluster/cameras/{camera_id:int}/hls",
             "GET internal/cluster/hls/{session_id}/{resource}"],
            "the owner's forwarded-session endpoints are checked like every internal route (node token only)");

        var failures = new List<string>();
        var anonymousEndpoints = new List<string>();
        var adminEndpoints = new List<string>();
        foreach ((string method, string pattern, Endpoint endpoint) in routes)
        {
            string key = method + " " + pattern;
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                anonymousEndpoints.Add(key);
                if (!s_anonymousAllowList.Contains(pattern) && !IsStaticAsset(pattern))
                {
                    failures.Add($"{key}: anonymous but not on the allow-list");
                }

                continue;
            }

            string url = "/" + RouteParameter().Replace(pattern, m => m.Groups["name"].Value.Contains("id", StringComparison.OrdinalIgnoreCase) ? "1" : "x");
            bool machine = url.StartsWith("/api/", StringComparison.Ordinal) || url.StartsWith("/metrics", StringComparison.Ordinal)
                || url.StartsWith("/openapi", StringComparison.Ordinal) || url.StartsWith("/internal/", StringComparison.Ordinal);
            using (HttpResponseMessage response = await anonymous.SendAsync(Request(method, url)))
            {
                bool ok = machine
                    ? response.StatusCode == HttpStatusCode.Unauthorized
                    : response.StatusCode == HttpStatusCode.Redirect
                      && response.Headers.Location?.OriginalString.Contains("/account/login", StringComparison.Ordinal) == true;
                if (!ok)
                {
                    failures.Add($"{key} ({url}) anonymous: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }

            if (url.StartsWith("/internal/", StringComparison.Ordinal))
            {
                // Node-to-node routes accept only a node token: a signed-in user's API token is not one.
                using HttpResponseMessage response = await viewer.SendAsync(Request(method, url));
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{key} ({url}) as Viewer: {(int)response.StatusCode}, expected 401 (node token only)");
                }
            }

            if (IsAdminOnly(endpoint))
            {
                adminEndpoints.Add(key);
                using HttpResponseMessage response = await viewer.SendAsync(Request(method, url));
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{key} ({url}) as Viewer: {(int)response.StatusCode}, expected 403");
                }
            }
        }

        output.WriteLine($"{routes.Count} method+route pairs; anonymous: {string.Join(", ", anonymousEndpoints.Where(e => !IsStaticAsset(e.Split(' ')[1])))}" +
            $" (+{anonymousEndpoints.Count(e => IsStaticAsset(e.Split(' ')[1]))} static assets)");
        failures.Should().BeEmpty();
        adminEndpoints.Should().BeEquivalentTo(s_adminOnly, "every Admin-only endpoint is listed here on purpose");
    }

    private static List<(string Method, string Pattern, Endpoint Endpoint)> Routes(IServiceProvider services)
    {
        var routes = new List<(string, string, Endpoint)>();
        foreach (RouteEndpoint endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = endpoint.RoutePattern.RawText!.TrimStart('/');
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            routes.AddRange(methods.Where(method => method != HttpMethods.Options && method != HttpMethods.Head).Select(method => (method, pattern, (Endpoint)endpoint)));
        }

        return routes.Distinct().ToList();
    }

    private static bool IsAdminOnly(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a =>
            a.Policy == "Admin" || (a.Roles?.Split(',').Contains(CamStudioRoles.Admin, StringComparer.Ordinal) ?? false));

    private static bool IsStaticAsset(string pattern) => StaticFile().IsMatch(pattern);

    private static HttpRequestMessage Request(string method, string url) => new(new HttpMethod(method), url)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
    };

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    // A file with an extension and no route parameter: MapStaticAssets' fingerprinted and plain asset routes.
    [GeneratedRegex(@"^[^{}]*\.[A-Za-z0-9]+$")]
    private static partial Regex StaticFile();
}
