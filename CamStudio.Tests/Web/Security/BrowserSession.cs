using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CamStudio.Tests.Web.Security;

/// <summary>
/// A browser-like client of the in-memory app: cookies kept, redirects not followed, no bearer token. Forms are
/// posted the way a browser would, with the hidden fields (antiforgery token, Blazor's form handler) of the page.
/// </summary>
internal sealed partial class BrowserSession : IDisposable
{
    private BrowserSession(HttpClient client) => Client = client;

    public HttpClient Client { get; }

    public static BrowserSession Create(CamStudioAppFactory app)
    {
        HttpClient client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = null;
        return new BrowserSession(client);
    }

    /// <summary>
    /// GETs <paramref name="page"/>, then posts <paramref name="fields"/> plus the page's hidden fields to
    /// <paramref name="action"/> (default: the page itself).
    /// </summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(
        string page, IReadOnlyDictionary<string, string> fields, bool withAntiforgery = true, string? action = null)
    {
        using HttpResponseMessage form = await Client.GetAsync(page);
        string html = await form.Content.ReadAsStringAsync();
        form.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match hidden in HiddenInput().Matches(html))
        {
            values[WebUtility.HtmlDecode(hidden.Groups["name"].Value)] = WebUtility.HtmlDecode(hidden.Groups["value"].Value);
        }

        if (!withAntiforgery)
        {
            values.Remove("__RequestVerificationToken");
        }

        foreach ((string key, string value) in fields)
        {
            values[key] = value;
        }

        return await Client.PostAsync(action ?? page, new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        SubmitFormAsync("/account/login", new Dictionary<string, string> { ["username"] = userName, ["password"] = password });

    /// <summary>The redirect target as a local path and query (Blazor's NavigateTo sends absolute URLs).</summary>
    public static string LocationOf(HttpResponseMessage response)
    {
        Uri location = response.Headers.Location ?? throw new InvalidOperationException($"{(int)response.StatusCode} without a Location");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}
