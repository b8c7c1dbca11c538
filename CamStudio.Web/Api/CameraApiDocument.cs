using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CamStudio.Web.Api;

/// <summary>
/// The OpenAPI description of the REST API at <c>/openapi/v1.json</c>. It is served from a document checked in next to
/// this file (<c>Api/openapi-v1.json</c>, embedded in the assembly) rather than generated in the running app: the
/// generator's services cost ~3 MiB of resident memory on every installation for a document that only changes with the
/// code (docs/benchmarks.md, "Footprint"). <see cref="GenerateAtRunTimeKey"/> turns the generator back on; the test
/// <c>OpenApiDocumentTests</c> compares the two and rewrites the checked-in file on request
/// (<c>scripts/openapi-document.sh</c>).
/// </summary>
public static class CameraApiDocument
{
    /// <summary>Where clients find the document.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>True: build the document from the route table at run time (the generator's own endpoint) instead.</summary>
    public const string GenerateAtRunTimeKey = "OpenApi:GenerateAtRunTime";

    private const string ResourceName = "CamStudio.Web.Api.openapi-v1.json";

    private static readonly Lazy<byte[]> s_document = new(ReadDocument);

    /// <summary>The generator (with the bearer-token scheme), only when <see cref="GenerateAtRunTimeKey"/> is set.</summary>
    public static IServiceCollection AddCameraApiDocument(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetValue<bool>(GenerateAtRunTimeKey))
        {
            AddGenerator(services);
        }

        return services;
    }

    /// <summary>Maps <see cref="DocumentPath"/>: the checked-in document, or the generator's endpoint.</summary>
    public static IEndpointConventionBuilder MapCameraApiDocument(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Configuration.GetValue<bool>(GenerateAtRunTimeKey)
            ? MapGenerator(app)
            : app.MapGet(DocumentPath, ServeCheckedIn).ExcludeFromDescription();
    }

    // The generator's calls live in methods of their own, never inlined: a method that merely mentions the OpenAPI
    // types makes the runtime load Microsoft.AspNetCore.OpenApi and Microsoft.OpenApi when it is compiled (or its
    // ReadyToRun code is fixed up), even if the branch never runs - and their pages would stay resident.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddGenerator(IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IEndpointConventionBuilder MapGenerator(WebApplication app) => app.MapOpenApi("/openapi/{documentName}.json");

    /// <summary>The checked-in document's bytes (UTF-8 JSON).</summary>
    public static ReadOnlyMemory<byte> CheckedIn => s_document.Value;

    private static FileContentHttpResult ServeCheckedIn() =>
        TypedResults.File(s_document.Value, "application/json;charset=utf-8");

    private static byte[] ReadDocument()
    {
        using Stream stream = typeof(CameraApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The OpenAPI document {ResourceName} is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
