using System.Collections.Concurrent;

namespace Gateway.Stores;

/// <summary>
/// One async lock per subject inside this instance. Optimistic stores (ETag, version) then meet contention only from
/// other instances, not from their own concurrent calls, which would otherwise retry each other into the ground.
/// Held around one subject's change at a time, never across subjects, so it cannot deadlock.
/// </summary>
internal sealed class SubjectLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async ValueTask<Releaser> EnterAsync(string subject, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(subject, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
