namespace CamStudio.Media.Hls;

public sealed partial class HlsPartStore
{
    /// <summary>One pending blocking wait: its completion, and the timer and cancellation registration to free after.</summary>
    private sealed class Waiter(HlsPartStore store, long msn, int? part)
    {
        private readonly Lock _gate = new();
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;
        private bool _released;

        public long Msn { get; } = msn;

        public int? Part { get; } = part;

        // Continuations must not run on the muxer's thread inside AppendPart: a slow HTTP response would stall the stream.
        public TaskCompletionSource<HlsWaitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HlsPartStore Store { get; } = store;

        /// <summary>Keeps the timer and registration to free later, or frees them now if the wait already ended.</summary>
        public void Hold(ITimer timer, CancellationTokenRegistration registration)
        {
            lock (_gate)
            {
                if (!_released)
                {
                    (_timer, _registration) = (timer, registration);
                    return;
                }
            }

            timer.Dispose();
            registration.Unregister();
        }

        /// <summary>Frees the timer and the registration; Unregister never waits for a running callback, unlike Dispose.</summary>
        public void Release()
        {
            ITimer? timer;
            CancellationTokenRegistration registration;
            lock (_gate)
            {
                _released = true;
                (timer, registration) = (_timer, _registration);
                (_timer, _registration) = (null, default);
            }

            timer?.Dispose();
            registration.Unregister();
        }
    }
}
