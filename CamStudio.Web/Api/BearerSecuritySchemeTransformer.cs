using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CamStudio.Web.Api;

/// <summary>
/// Tells OpenAPI clients how to authenticate: every API route needs an API token (<c>Authorization: Bearer cst_…</c>,
/// created on the API tokens page or with <c>tokens create</c>). Without this, generated clients and API explorers
/// show the routes as open and every call they make answers 401.
/// </summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "ApiToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "cst_ API token",
            Description = "An API token from the API tokens page (admins) or `CamStudio.Web tokens create`.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
