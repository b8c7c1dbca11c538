using System.Text.Json;
using CamStudio.Web.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamStudio.Web.Api;

/// <summary>Registers and wires the camera REST API.</summary>
public static class CameraApiServiceCollectionExtensions
{
    /// <summary>snake_case JSON, problem details, the OpenAPI document, and bad requests thrown so they can be described.</summary>
    public static IServiceCollection AddCameraApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddProblemDetails();
        services.AddCameraApiDocument(configuration);
        services.AddScoped<CameraCommands>();
        services.AddSingleton<ViewerOfferService>();
        // A single node serves every camera itself; the cluster's forwarding replaces this (AddClusterForwarding).
        services.TryAddSingleton<IRemoteOffers>(NoRemoteOffers.Instance);
        services.AddOptions<PosterOptions>().BindConfiguration(PosterOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PosterStore>();
        services.AddHostedService<PosterService>();

        // Throwing lets ApiProblemMiddleware say which field was wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// For /api requests: problem details for bare error status codes (e.g. an unknown route), the body size limit and
    /// readable 400s. Call before the non-API status code pages so API errors never turn into HTML pages.
    /// </summary>
    public static IApplicationBuilder UseCameraApiProblems(this IApplicationBuilder app) =>
        app.UseWhen(CameraApi.IsApiRequest, api =>
        {
            api.UseStatusCodePages();
            api.UseMiddleware<ApiProblemMiddleware>();
        });
}
