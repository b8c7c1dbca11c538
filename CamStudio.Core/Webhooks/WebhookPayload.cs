using System.Text.Json;
using System.Text.Json.Serialization;
using CamStudio.Core.Events;
using CamStudio.Core.Health;

namespace CamStudio.Core.Webhooks;

/// <summary>
/// The JSON body of every delivery (docs/api.md, "Webhooks"). <c>event_id</c> is unique across restarts (the log's run
/// id, a dot, the event's number), so a receiver can drop a retried duplicate.
/// </summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("camera")] WebhookPayloadCamera? Camera,
    [property: JsonPropertyName("from")] CameraHealthState? From,
    [property: JsonPropertyName("to")] CameraHealthState? To,
    [property: JsonPropertyName("recovered")] bool Recovered,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("test")] bool Test)
{
    public const string TestType = "webhook.test";

    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static WebhookPayload ForEvent(CameraEvent e, string runId)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new WebhookPayload(
            runId + "." + e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.Type,
            e.CameraId is { } id ? new WebhookPayloadCamera(id, e.CameraName ?? string.Empty) : null,
            e.From,
            e.To,
            e.IsRecovery,
            e.Detail,
            e.At,
            Test: false);
    }

    public static WebhookPayload ForTest(string runId, DateTimeOffset at) => new(
        runId + ".test-" + Guid.NewGuid().ToString("N")[..8],
        TestType,
        null,
        null,
        null,
        false,
        "Test event sent from CamStudio.",
        at,
        Test: true);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);
}

public sealed record WebhookPayloadCamera(
    [property: JsonPropertyName("camera_id")] int CameraId,
    [property: JsonPropertyName("name")] string Name);
