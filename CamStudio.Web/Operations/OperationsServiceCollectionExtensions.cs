using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;

namespace CamStudio.Web.Operations;

/// <summary>What an operator needs: health endpoints, Prometheus metrics, structured console logs, data verification.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>Tag of the checks behind <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Time limit of each readiness check. A probe must get an answer: cut off from its database or Redis (packets
    /// dropped, not refused), a check would otherwise wait on the driver's own timeouts (tens of seconds), and a load
    /// balancer's probe gives up without ever seeing the 503. A check that runs out of time reports Unhealthy.
    /// </summary>
    public static readonly TimeSpan ReadyCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Registers the readiness checks (database, FFmpeg, UDP media port), the metrics collector, console log
    /// defaults (one line per entry, UTC timestamps; <c>Logging:Console:FormatterName=json</c> switches to JSON) and the
    /// <c>Operations:VerifyData</c> check mode used by scripts/restore.sh.
    /// </summary>
    public static IServiceCollection AddCamStudioOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: ReadyCheckTimeout)
            .AddCheck<FfmpegHealthCheck>("ffmpeg", tags: [ReadyTag], timeout: ReadyCheckTimeout)
            .AddCheck<MediaPortHealthCheck>("media_udp_port", tags: [ReadyTag], timeout: ReadyCheckTimeout);
        services.AddSingleton<FfmpegVersionProbe>();
        services.AddSingleton<MetricsCollector>();

        // Defaults first, then the configuration again so Logging:Console:FormatterOptions still wins.
        IConfigurationSection formatterOptions = configuration.GetSection("Logging:Console:FormatterOptions");
        services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        services.Configure<SimpleConsoleFormatterOptions>(formatterOptions);
        services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.IncludeScopes = true;
        });
        services.Configure<JsonConsoleFormatterOptions>(formatterOptions);

        if (configuration.GetValue<bool>(DataVerificationHost.ConfigurationKey))
        {
            services.AddHostedService<DataVerificationHost>();
        }

        return services;
    }

    /// <summary>
    /// Maps <c>/health/live</c>, <c>/health/ready</c> (anonymous: probes from systemd or a load balancer) and
    /// <c>/metrics</c> (like everything else it requires a signed-in user or an API token).
    /// </summary>
    public static IEndpointRouteBuilder MapCamStudioOperations(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Liveness runs no check: if this answers, the process and its HTTP stack are up.
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithName("HealthLive").WithTags("Operations").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithName("HealthReady").WithTags("Operations").AllowAnonymous();
        app.MapGet("/metrics", MetricsEndpoint.HandleAsync)
            .WithName("Metrics")
            .WithSummary("Prometheus text exposition format 0.0.4")
            .WithTags("Operations")
            .ExcludeFromDescription();
        return app;
    }
}
