using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CamStudio.Tests.Media.Ffmpeg;

/// <summary>
/// A tiny RTSP responder on 127.0.0.1 that demands Basic auth and records the credentials FFmpeg sends.
/// With the right credentials it answers DESCRIBE with 404 (it has no media): enough to prove URL encoding
/// round-trips and to make FFmpeg print real 401/404 errors. The GStreamer camera covers real streaming.
/// </summary>
internal sealed class FakeRtspServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _cts = new();
    private readonly string _user;
    private readonly string _password;
    private readonly Task _acceptLoop;
    private readonly List<(string User, string Password)> _seen = [];

    public FakeRtspServer(string user, string password)
    {
        _user = user;
        _password = password;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_cts.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<(string User, string Password)> SeenCredentials
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToArray();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _cts.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(cancellationToken);
            _ = Task.Run(() => ServeAsync(client, cancellationToken), cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (await ReadRequestAsync(reader, cancellationToken) is { } request)
                {
                    byte[] response = Encoding.ASCII.GetBytes(Respond(request));
                    await stream.WriteAsync(response, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private string Respond(List<string> request)
    {
        string method = request[0].Split(' ')[0];
        string cseq = Header(request, "CSeq") ?? "0";
        if (method == "OPTIONS")
        {
            return $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n";
        }

        string? authorization = Header(request, "Authorization");
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            (string User, string Password) seen = (decoded[..colon], decoded[(colon + 1)..]);
            lock (_seen)
            {
                _seen.Add(seen);
            }

            if (seen.User == _user && seen.Password == _password)
            {
                return $"RTSP/1.0 404 Not Found\r\nCSeq: {cseq}\r\n\r\n";
            }
        }

        return $"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: Basic realm=\"camstudio-test\"\r\n\r\n";
    }

    private static string? Header(List<string> request, string name) =>
        request.Skip(1)
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim())
            .FirstOrDefault();

    private static async Task<List<string>?> ReadRequestAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    return lines;
                }

                continue;
            }

            lines.Add(line);
        }

        return null;
    }
}
