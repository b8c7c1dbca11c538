using CamStudio.Media.Streaming;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace CamStudio.Web.Components;

/// <summary>
/// The operator UI's open Blazor circuits (browser tabs on interactive pages). When the last one closes and no camera
/// streams, the server is idle again, so the idle memory release runs as it does when the last camera stops: a session
/// on pages that started no camera (the camera list, events, settings) maps code back into the resident set (a page
/// view alone ~20 MiB, docs/benchmarks/footprint.md), which would otherwise stay until a camera happened to stop. The
/// sign-in page is rendered on the server without a circuit, so it does not count here.
/// </summary>
public sealed class OpenCircuits
{
    private readonly IdleMemoryRelease _release;
    private readonly Func<bool> _streamsIdle;
    private int _open;

    /// <summary>Creates the counter the app uses, on the real stream host.</summary>
    [ActivatorUtilitiesConstructor]
    public OpenCircuits(IdleMemoryRelease release, CameraStreamHost streams)
        : this(release, () => streams?.IsIdle ?? throw new ArgumentNullException(nameof(streams)))
    {
    }

    /// <summary>Creates a counter with the streams' idleness replaced (tests).</summary>
    internal OpenCircuits(IdleMemoryRelease release, Func<bool> streamsIdle)
    {
        _release = release ?? throw new ArgumentNullException(nameof(release));
        _streamsIdle = streamsIdle ?? throw new ArgumentNullException(nameof(streamsIdle));
    }

    /// <summary>Circuits open now (a disconnected one counts until Blazor gives up on it).</summary>
    public int Count => Volatile.Read(ref _open);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed()
    {
        if (Interlocked.Decrement(ref _open) == 0 && _streamsIdle())
        {
            // Asked again on the release's worker: a tab or a camera that came meanwhile has its own transition later.
            _release.Request(() => Count == 0 && _streamsIdle());
        }
    }
}

/// <summary>Tells <see cref="OpenCircuits"/> about each circuit (one handler per circuit, as Blazor scopes them).</summary>
internal sealed class OpenCircuitsHandler(OpenCircuits circuits) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        circuits.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        circuits.Closed();
        return Task.CompletedTask;
    }
}
