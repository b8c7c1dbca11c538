namespace CamStudio.Web.Operations;

/// <summary>GET /metrics.</summary>
internal static class MetricsEndpoint
{
    public static async Task<IResult> HandleAsync(MetricsCollector collector, CancellationToken cancellationToken)
    {
        string text = await collector.CollectAsync(cancellationToken);
        return Results.Text(text, PrometheusTextWriter.ContentType);
    }
}
