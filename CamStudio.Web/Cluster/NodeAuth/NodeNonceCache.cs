using System.Collections.Concurrent;

namespace CamStudio.Web.Cluster.NodeAuth;

/// <summary>
/// The nonces of node tokens used within the last <see cref="Window"/> (twice a token's lifetime, so a token is dead
/// before its nonce is forgotten). Node-to-node calls are a few per viewer start, so the set stays small; it is swept
/// on use rather than by a timer.
/// </summary>
public sealed class NodeNonceCache(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>True the first time <paramref name="nonce"/> is seen within the window; false for a replay.</summary>
    public bool TryUse(string nonce)
    {
        DateTimeOffset now = time.GetUtcNow();
        Sweep(now);
        if (_seen.TryAdd(nonce, now + Window))
        {
            return true;
        }

        // An entry past its window that the sweep has not reached yet: the token it came with has expired anyway.
        if (_seen.TryGetValue(nonce, out DateTimeOffset until) && until <= now && _seen.TryUpdate(nonce, now + Window, until))
        {
            return true;
        }

        return false;
    }

    public int Count => _seen.Count;

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromSeconds(10);
        foreach (KeyValuePair<string, DateTimeOffset> entry in _seen)
        {
            if (entry.Value <= now)
            {
                _seen.TryRemove(entry);
            }
        }
    }
}
