using System.Globalization;
using System.Text.Json;
using CamStudio.Core.Cameras;
using Microsoft.AspNetCore.Http.Features;

namespace CamStudio.Web.Api;

/// <summary>
/// Turns what goes wrong before a handler runs into problem details: an oversized body becomes 413, malformed JSON
/// or a wrongly typed field a 400 keyed by the field. Minimal APIs would otherwise answer with an empty 400.
/// </summary>
internal sealed class ApiProblemMiddleware(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public const string BodyField = "body";

    // The converters' own messages name CLR types; clients get the rule instead.
    private static readonly Dictionary<string, string> s_fieldHints = new(StringComparer.Ordinal)
    {
        [CameraFields.StreamQuality] = "Stream quality must be \"stream1\" (HD) or \"stream2\" (SD).",
        [CameraFields.Source] = "Source must be \"rtsp\" or \"demo\".",
        [CameraFields.RtspPort] = "RTSP port must be a whole number between 1 and 65535.",
        [CameraFields.Version] = "Version must be a whole number.",
        [CameraFields.ClearPassword] = "clear_password must be true or false.",
        [CameraFields.Audio] = "audio must be true or false.",
    };

    public async Task InvokeAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (request.ContentLength > CameraApi.MaxRequestBodyBytes)
        {
            await WriteTooLargeAsync(context);
            return;
        }

        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = CameraApi.MaxRequestBodyBytes;
            }

            // Buffered so a chunked body without Content-Length is held to the same limit on every server.
            var buffer = new MemoryStream();
            try
            {
                if (!await TryCopyLimitedAsync(request.Body, buffer, context.RequestAborted))
                {
                    await WriteTooLargeAsync(context);
                    return;
                }
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteTooLargeAsync(context);
                return;
            }

            buffer.Position = 0;
            request.Body = buffer;
            context.Response.RegisterForDispose(buffer);
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteTooLargeAsync(context);
                return;
            }

            (string field, string message) = Describe(ex, request);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request could not be read.",
                    Extensions = { ["code"] = "invalid_request" },
                },
            });
        }
    }

    private static (string Field, string Message) Describe(BadHttpRequestException ex, HttpRequest request)
    {
        if (ex.InnerException is JsonException json)
        {
            // A reader (syntax) error wraps the reader's own JsonException; a type mismatch does not.
            if (json.InnerException is JsonException || FieldOf(json.Path) is not { } field)
            {
                return (BodyField, "The request body is not valid JSON.");
            }

            return (field, s_fieldHints.GetValueOrDefault(field, "This field has the wrong JSON type."));
        }

        if (request.Body.CanSeek && request.Body.Length == 0)
        {
            return (BodyField, "A JSON request body is required.");
        }

        return (BodyField, "The request could not be read; send a JSON body with Content-Type: application/json.");
    }

    /// <summary>The top-level property of a JSON path such as <c>$.stream_quality</c>, or null for <c>$</c>.</summary>
    internal static string? FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal) || path.Length == 2)
        {
            return null;
        }

        int end = path.AsSpan(2).IndexOfAny('.', '[');
        return end < 0 ? path[2..] : path.Substring(2, end);
    }

    private static async Task<bool> TryCopyLimitedAsync(Stream source, MemoryStream destination, CancellationToken cancellationToken)
    {
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (destination.Length + read > CameraApi.MaxRequestBodyBytes)
            {
                return false;
            }

            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return true;
    }

    private Task WriteTooLargeAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = string.Create(CultureInfo.InvariantCulture, $"The camera API accepts request bodies of at most {CameraApi.MaxRequestBodyBytes} bytes."),
                Extensions = { ["code"] = "body_too_large" },
            },
        }).AsTask();
    }
}
