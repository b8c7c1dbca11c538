using System.Text.Json.Serialization;
using CamStudio.Core.Cameras;
using CamStudio.Core.Events;
using CamStudio.Core.Groups;
using CamStudio.Core.Views;
using CamStudio.Core.Webhooks;

namespace CamStudio.Web.Api;

/// <summary>
/// Serialization code for the REST API's request and response types, generated at build time. Without it ASP.NET builds
/// each type's JSON contract by reflection when the endpoints are first materialised (the first request of any kind,
/// the sign-in page included), which JIT-compiles ~850 methods that stay resident for the life of the process
/// (docs/benchmarks.md, "Footprint"). The options repeat the API's (snake_case); types not listed here still fall back to
/// the reflection resolver, so a type added to the API later works either way — add it here to keep the saving.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CameraWithStatus[]))]
[JsonSerializable(typeof(CameraWithStatus))]
[JsonSerializable(typeof(CameraResponse))]
[JsonSerializable(typeof(IReadOnlyList<CameraBrandPreset>))]
[JsonSerializable(typeof(CameraCreateRequest))]
[JsonSerializable(typeof(CameraUpdate))]
[JsonSerializable(typeof(CameraRuntimeStatus[]))]
[JsonSerializable(typeof(CameraRuntimeStatus))]
[JsonSerializable(typeof(WebRtcOfferRequest))]
[JsonSerializable(typeof(WebRtcAnswerResponse))]
[JsonSerializable(typeof(IReadOnlyList<CameraEvent>))]
[JsonSerializable(typeof(IReadOnlyList<WebhookInfo>))]
[JsonSerializable(typeof(WebhookInfo))]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(WebhookSavedResponse))]
[JsonSerializable(typeof(WebhookDeliveryResult))]
[JsonSerializable(typeof(IReadOnlyList<CameraViewResponse>))]
[JsonSerializable(typeof(CameraViewResponse))]
[JsonSerializable(typeof(CameraViewRequest))]
[JsonSerializable(typeof(IReadOnlyList<CameraGroupResponse>))]
[JsonSerializable(typeof(CameraGroupResponse))]
[JsonSerializable(typeof(CameraGroupRequest))]
internal sealed partial class CamStudioJsonContext : JsonSerializerContext;
