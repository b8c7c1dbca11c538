using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace CamStudio.Media.Rtsp;

/// <summary>
/// A minimal RTSP client that only DESCRIBEs (RFC 2326 §10.2): one TCP connection per check, one authenticated retry
/// after a 401 on the same connection (cameras such as GStreamer's server tie the Digest nonce to it), then close.
/// Cheap enough to ask every camera once a minute; holds nothing open between checks. Never logs or throws with the
/// password in it: failures become an <see cref="RtspDescribeOutcome"/>.
/// </summary>
public sealed class RtspDescribeClient : IRtspDescribeClient
{
    /// <summary>Head plus SDP; a camera's DESCRIBE answer is 0.5–2 KiB.</summary>
    public const int MaxResponseLength = 32 * 1024;

    public const string UserAgent = "CamStudio-health";

    private long _requestsSent;

    /// <summary>DESCRIBE requests written to a camera since start (a test reads it to prove no check ran).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    public async Task<RtspDescribeResult> DescribeAsync(RtspDescribeRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HasControlCharacters(request.Path) || HasControlCharacters(request.Username) || HasControlCharacters(request.Host))
        {
            // Would split the request into extra header lines; the camera validator refuses these already.
            return RtspDescribeResult.Of(RtspDescribeOutcome.ProtocolError);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxResponseLength);
        Socket? socket = null;
        try
        {
            socket = await ConnectAsync(request, limit.Token).ConfigureAwait(false);
            string? authorization = null;
            bool reconnected = false;
            for (int cseq = 1; ; cseq++)
            {
                await SendAsync(socket, request, cseq, authorization, limit.Token).ConfigureAwait(false);
                (RtspReadStatus status, RtspResponseHead head, int headLength, int filled) =
                    await ReadResponseAsync(socket, buffer, limit.Token).ConfigureAwait(false);
                if (status == RtspReadStatus.Incomplete && filled == 0 && authorization is not null && !reconnected)
                {
                    // Closed after the 401 instead of waiting for our answer: ask again on a new connection.
                    socket.Dispose();
                    socket = await ConnectAsync(request, limit.Token).ConfigureAwait(false);
                    reconnected = true;
                    authorization = null;
                    continue;
                }

                if (status != RtspReadStatus.Complete)
                {
                    return RtspDescribeResult.Of(RtspDescribeOutcome.ProtocolError);
                }

                switch (head.StatusCode)
                {
                    case 200:
                        SdpVideoCodec.TryRead(buffer.AsSpan(headLength, head.ContentLength), out string? codec);
                        return new RtspDescribeResult(RtspDescribeOutcome.Ok, 200, codec);
                    case 401 when authorization is null && request.HasCredentials:
                        authorization = Answer(buffer.AsSpan(0, headLength), head, request);
                        if (authorization is null)
                        {
                            return new RtspDescribeResult(RtspDescribeOutcome.ProtocolError, 401);
                        }

                        continue;
                    case 401:
                        return new RtspDescribeResult(RtspDescribeOutcome.Unauthorized, 401);
                    case 404:
                        return new RtspDescribeResult(RtspDescribeOutcome.NotFound, 404);
                    default:
                        return new RtspDescribeResult(RtspDescribeOutcome.OtherStatus, head.StatusCode);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RtspDescribeResult(RtspDescribeOutcome.Timeout);
        }
        catch (SocketException ex)
        {
            return new RtspDescribeResult(Classify(ex.SocketErrorCode));
        }
        catch (IOException)
        {
            return new RtspDescribeResult(RtspDescribeOutcome.ProtocolError);
        }
        finally
        {
            socket?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>What a failed connect or read means for the camera.</summary>
    public static RtspDescribeOutcome Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => RtspDescribeOutcome.Refused,
        SocketError.TimedOut => RtspDescribeOutcome.Timeout,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => RtspDescribeOutcome.ProtocolError,
        _ => RtspDescribeOutcome.Unreachable, // no route, host down, name not found, address unusable
    };

    private static async Task<Socket> ConnectAsync(RtspDescribeRequest request, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(request.Host, request.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task SendAsync(Socket socket, RtspDescribeRequest request, int cseq, string? authorization, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(256);
        text.Append("DESCRIBE ").Append(request.Uri).Append(" RTSP/1.0\r\n")
            .Append("CSeq: ").Append(cseq.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Accept: application/sdp\r\n")
            .Append("User-Agent: ").Append(UserAgent).Append("\r\n");
        if (authorization is not null)
        {
            text.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        text.Append("\r\n");
        string message = text.ToString();
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(message.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(message, bytes);
            Interlocked.Increment(ref _requestsSent);
            await socket.SendAsync(bytes.AsMemory(0, length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The message held the Authorization header: leave no credential material in a pooled array.
            Array.Clear(bytes);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Reads one response (head and Content-Length body) into the start of <paramref name="buffer"/>.</summary>
    private static async Task<(RtspReadStatus Status, RtspResponseHead Head, int HeadLength, int Filled)> ReadResponseAsync(
        Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (true)
        {
            RtspReadStatus status = RtspResponseHead.TryRead(buffer.AsSpan(0, filled), out RtspResponseHead head, out int headLength);
            if (status == RtspReadStatus.Malformed)
            {
                return (status, head, 0, filled);
            }

            if (status == RtspReadStatus.Complete)
            {
                if (head.ContentLength > MaxResponseLength - headLength)
                {
                    return (RtspReadStatus.Malformed, head, 0, filled);
                }

                if (filled >= headLength + head.ContentLength)
                {
                    return (status, head, headLength, filled);
                }
            }

            if (filled == MaxResponseLength)
            {
                return (RtspReadStatus.Malformed, head, 0, filled);
            }

            int read = await socket.ReceiveAsync(buffer.AsMemory(filled, MaxResponseLength - filled), SocketFlags.None, cancellationToken)
                .ConfigureAwait(false);
            if (read == 0)
            {
                return (RtspReadStatus.Incomplete, head, 0, filled); // closed before a whole answer
            }

            filled += read;
        }
    }

    /// <summary>The Authorization value for the best challenge we can answer (Digest over Basic), or null.</summary>
    private static string? Answer(ReadOnlySpan<byte> headBytes, RtspResponseHead head, RtspDescribeRequest request)
    {
        string username = request.Username ?? "";
        string password = request.Password ?? "";
        DigestChallenge? digest = null;
        bool basic = false;
        for (int i = 0; i < head.ChallengeCount; i++)
        {
            ReadOnlySpan<byte> value = headBytes[head.Challenge(i)];
            if (DigestChallenge.TryParse(value, out DigestChallenge? parsed) && DigestChallenge.IsSupportedAlgorithm(parsed!.Algorithm))
            {
                // RFC 7616 §3.7: a client picks the strongest algorithm it supports.
                if (digest is null || parsed.Algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
                {
                    digest = parsed;
                }
            }
            else if (RtspChallenge.IsScheme(value, "Basic"u8))
            {
                basic = true;
            }
        }

        if (digest is not null)
        {
            return RtspAuthorization.Digest(digest, username, password, "DESCRIBE", request.Uri, RtspAuthorization.NewClientNonce());
        }

        return basic ? RtspAuthorization.Basic(username, password) : null;
    }

    private static bool HasControlCharacters(string? value) => value is not null && value.Any(char.IsControl);
}
