using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using CamStudio.Core.Events;
using CamStudio.Core.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CamStudio.Core.Webhooks;

/// <summary>
/// Sends events to the enabled webhooks. <see cref="CameraEventRecorder"/> calls <see cref="OnEvent"/> on the health
/// checker's thread, so it only writes to a bounded channel (oldest dropped when full); this service reads the channel, looks up the webhooks
/// and runs each delivery as its own task: a receiver that is down and being retried for minutes holds no slot while it
/// waits, only while a POST is in flight (<see cref="WebhookOptions.MaxConcurrentDeliveries"/>).
/// </summary>
public sealed partial class WebhookDeliveryService : BackgroundService
{
    public const string HttpClientName = "CamStudio.Webhooks";
    public const string EventHeader = "X-CamStudio-Event";
    public const string TimestampHeader = "X-CamStudio-Timestamp";
    public const string SignatureHeader = "X-CamStudio-Signature";

    private readonly Channel<CameraEvent> _queue;
    private readonly CameraEventLog _log;
    private readonly WebhookService _webhooks;
    private readonly WebhookDeliveryStatus _status;
    private readonly IHttpClientFactory _clients;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryService> _logger;
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public WebhookDeliveryService(
        CameraEventLog log,
        WebhookService webhooks,
        WebhookDeliveryStatus status,
        IHttpClientFactory clients,
        IOptions<WebhookOptions> options,
        TimeProvider time,
        ILogger<WebhookDeliveryService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _webhooks = webhooks ?? throw new ArgumentNullException(nameof(webhooks));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _inFlight = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
        _queue = Channel.CreateBounded<CameraEvent>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => LogDropped(_logger, dropped.Type, dropped.Id));
    }

    /// <summary>
    /// Whether an event is sent to webhooks at all. The first state after start-up (from Unknown) is news only when it is
    /// bad: "online" after a restart would page someone for every camera each time the server starts, while a camera
    /// that is already offline or refusing the password when the server comes up is exactly what they want to hear of.
    /// </summary>
    public static bool IsNotified(CameraEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind == CameraEventKind.CameraState
            && e.To is { } to && to != CameraHealthState.Unknown && e.From != to
            && !(e.From == CameraHealthState.Unknown && to == CameraHealthState.Online);
    }

    /// <summary>Queues the event for delivery; returns at once.</summary>
    public void OnEvent(CameraEvent e)
    {
        if (e is not null && IsNotified(e))
        {
            _queue.Writer.TryWrite(e);
        }
    }

    /// <summary>One POST of a test event to the webhook (enabled or not), no retries; null when there is no such webhook.</summary>
    public async Task<WebhookDeliveryResult?> SendTestAsync(int webhookId, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookTarget> targets = await _webhooks.GetTargetsAsync(webhookId, cancellationToken).ConfigureAwait(false);
        if (targets.Count == 0)
        {
            return null;
        }

        WebhookPayload payload = WebhookPayload.ForTest(_log.RunId, _time.GetUtcNow());
        (bool ok, _, int? status, string message) = await PostAsync(targets[0], payload, cancellationToken).ConfigureAwait(false);
        var result = new WebhookDeliveryResult(payload.Type, 0, _time.GetUtcNow(), ok, 1, status, message);
        _status.Set(webhookId, result);
        return result;
    }

    public override void Dispose()
    {
        _inFlight.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (CameraEvent e in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    IReadOnlyList<WebhookTarget> targets = await _webhooks.GetTargetsAsync(null, stoppingToken).ConfigureAwait(false);
                    WebhookPayload payload = WebhookPayload.ForEvent(e, _log.RunId);
                    foreach (WebhookTarget target in targets.Where(t => t.Wants(e.To!.Value)))
                    {
                        Task delivery = DeliverAsync(target, payload, e.Id, stoppingToken);
                        _running.TryAdd(delivery, 0);
                        _ = delivery.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDispatchFailed(_logger, e.Id, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Deliveries waiting between retries end with the host; an event not delivered by then is lost with the log.
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(WebhookTarget target, WebhookPayload payload, long eventId, CancellationToken stoppingToken)
    {
        TimeSpan delay = _options.FirstRetryDelay;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                (bool ok, bool retry, int? status, string message) = await PostAsync(target, payload, stoppingToken).ConfigureAwait(false);
                bool last = ok || !retry || attempt >= _options.MaxAttempts;
                _status.Set(target.Id, new WebhookDeliveryResult(payload.Type, eventId, _time.GetUtcNow(), ok, attempt,
                    status, ok || last ? message : message + " Retrying."));
                if (last)
                {
                    if (!ok)
                    {
                        LogGaveUp(_logger, target.Id, target.Name, payload.Type, attempt, message);
                    }

                    return;
                }

                LogRetrying(_logger, target.Id, target.Name, attempt, message, delay);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                delay *= 3;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogDeliveryFailed(_logger, target.Id, target.Name, ex);
        }
    }

    /// <summary>One POST: (delivered, worth retrying, HTTP status, a sentence for the Admin).</summary>
    private async Task<(bool Ok, bool Retry, int? Status, string Message)> PostAsync(
        WebhookTarget target, WebhookPayload payload, CancellationToken cancellationToken)
    {
        if (target.Secret is null)
        {
            return (false, false, null, "The secret cannot be decrypted (the key ring does not match the database): give this webhook a new secret.");
        }

        byte[] body = payload.ToUtf8Json();
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            string timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(EventHeader, payload.Type);
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, WebhookSignature.Compute(target.Secret, timestamp, body));
            request.Headers.UserAgent.ParseAdd("CamStudio-Webhooks/1");
            try
            {
                using HttpResponseMessage response = await _clients.CreateClient(HttpClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                int code = (int)response.StatusCode;
                string text = string.Create(CultureInfo.InvariantCulture, $"HTTP {code} {response.ReasonPhrase}.");
                return response.IsSuccessStatusCode
                    ? (true, false, code, text)
                    : (false, code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests, code, text);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (false, true, null, string.Create(CultureInfo.InvariantCulture, $"No answer within {_options.AttemptTimeout.TotalSeconds:0.#} s."));
            }
            catch (HttpRequestException ex)
            {
                // The exception's message can quote the URL; the error kind says enough and leaks nothing.
                return (false, true, null, "Network error: " + Describe(ex.HttpRequestError) + ".");
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "host name not found",
        HttpRequestError.ConnectionError => "connection failed",
        HttpRequestError.SecureConnectionError => "TLS handshake failed",
        HttpRequestError.ResponseEnded => "the receiver closed the connection",
        _ => "request failed",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook queue full: dropped event {EventType} #{EventId}")]
    private static partial void LogDropped(ILogger logger, string eventType, long eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking up webhooks for event #{EventId} failed")]
    private static partial void LogDispatchFailed(ILogger logger, long eventId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} ({WebhookName}): attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, int webhookId, string webhookName, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} ({WebhookName}): {EventType} not delivered after {Attempts} attempt(s): {Reason}")]
    private static partial void LogGaveUp(ILogger logger, int webhookId, string webhookName, string eventType, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {WebhookId} ({WebhookName}): delivery failed")]
    private static partial void LogDeliveryFailed(ILogger logger, int webhookId, string webhookName, Exception exception);
}
