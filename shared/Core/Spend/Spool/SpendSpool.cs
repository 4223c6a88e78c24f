using System.Text.Json;
using Gateway.Spend.Ingest;
using Microsoft.Extensions.Logging;

namespace Gateway.Spend.Spool;

/// <summary>
/// The embedded store's hand-off: events are appended as JSON lines to this process's journal file, one write per
/// batch (no fsync: like SQLite's WAL with synchronous=NORMAL, a written line survives the process being killed),
/// and moved into SQLite off the request path. A journal is locked by its process while it lives; journals left by
/// processes that died are moved in at start-up. Ingest is idempotent, so a line moved twice counts once.
/// <para>
/// The journal is the crash copy. While this process lives, the drain takes the appended events from memory (each with
/// the JSON line already written, which the store keeps as the log row), so a drain neither reads nor parses the file.
/// When that in-memory copy would grow past <see cref="DefaultMaxInMemory"/> events, or a drain fails, the copy is dropped and
/// drains read the journal from where the last one ended, until they catch up.
/// </para>
/// <para>
/// The journal's backlog (appended, not yet in SQLite) is bounded by <c>GATEWAY_SPEND_JOURNAL_MAX_MB</c>. Past half of it
/// (the high-water mark), or when a drain fails, the store is falling behind: <see cref="BehindCount"/> counts it and a
/// warning is logged at most every 30 s. At the bound an append waits for the drainer (backpressure) instead of failing
/// the call: the upstream has already answered and been paid for, so a 503 then would lose the answer and still owe
/// the event; a slower response while SQLite catches up is what an operator wants. A wait longer than the hand-off's
/// attempts is logged and counted as lost by <see cref="SpendHandOff"/>, never silent.
/// </para>
/// </summary>
public sealed partial class SpendSpool : IAsyncDisposable
{
    private const long RotateBytes = 1 << 20;
    private const int MaxBatch = 500;
    /// <summary>Events kept in memory for the drain by default; past it the journal alone holds the backlog (bounded memory).</summary>
    public const int DefaultMaxInMemory = 20_000;
    public const long DefaultMaxBytes = 256L * 1024 * 1024;
    private static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly ISpendStore _store;
    private readonly ILogger _log;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _append = new(1, 1);
    private readonly SemaphoreSlim _drain = new(1, 1);
    private FileStream? _journal;
    private string _journalPath = "";
    private long _drained, _appended, _behind;
    private long _lastWarnTicks = long.MinValue;
    private TaskCompletionSource _drainedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The events of journal bytes [_drained, _appended), in order, unless _fromFile: then the journal is the only copy.
    // Guarded by _memory, never by _append: an append at the bound holds _append while it waits for a drain.
    private readonly Lock _memory = new();
    private List<JournaledSpendEvent> _inMemory = [];
    private bool _fromFile;
    private readonly ISerializedSpendIngest? _serializedIngest;
    private readonly int _maxInMemory;

    public SpendSpool(string directory, ISpendStore store, ILogger<SpendSpool> log, long maxBytes = DefaultMaxBytes, TimeProvider? time = null,
        int maxInMemory = DefaultMaxInMemory)
    {
        _maxInMemory = maxInMemory;
        _directory = directory;
        _store = store;
        _log = log;
        _maxBytes = maxBytes;
        _time = time ?? TimeProvider.System;
        _serializedIngest = store as ISerializedSpendIngest;
    }

    public string Directory => _directory;

    /// <summary>Bytes appended to this process's journal and not yet moved into the store.</summary>
    public long PendingBytes => Math.Max(0, Interlocked.Read(ref _appended) - Interlocked.Read(ref _drained));

    /// <summary>How often the store was found falling behind (backlog over the high-water mark, or a failed drain).</summary>
    public long BehindCount => Interlocked.Read(ref _behind);

    public long HighWaterBytes => _maxBytes / 2;

    /// <summary>True while drains take events from memory; false while the journal is the only copy of the backlog.</summary>
    public bool DrainsFromMemory
    {
        get { lock (_memory) return !_fromFile; }
    }

    /// <summary>
    /// Appends the batch; once this returns the events survive this process being killed. When the backlog would pass
    /// the bound, waits for the drainer to make room (a batch larger than the whole bound waits for an empty journal).
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<SpendEvent> batch, CancellationToken ct)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(batch.Count * 1024);
        var lines = new JournaledSpendEvent[batch.Count];
        using (var w = new Utf8JsonWriter(buffer))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var start = buffer.WrittenCount;
                JsonSerializer.Serialize(w, batch[i], SpendJson.Default.SpendEvent);
                w.Flush();
                lines[i] = new JournaledSpendEvent(batch[i], System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan[start..]));
                System.Buffers.BuffersExtensions.Write(buffer, "\n"u8);
                w.Reset();
            }
        }
        await _append.WaitAsync(ct);
        try
        {
            while (PendingBytes > 0 && PendingBytes + buffer.WrittenCount > _maxBytes)
            {
                NoteBehind("the journal is at its bound; hand-offs wait for the drain");
                await Volatile.Read(ref _drainedSignal).Task.WaitAsync(ct);
            }
            var journal = Journal();
            journal.Write(buffer.WrittenSpan);
            journal.Flush(); // into the kernel: a kill -9 no longer loses it
            lock (_memory)
            {
                Interlocked.Add(ref _appended, buffer.WrittenCount);
                if (!_fromFile)
                {
                    if (_inMemory.Count + lines.Length <= _maxInMemory) _inMemory.AddRange(lines);
                    else SwitchToFile();
                }
            }
            if (PendingBytes > HighWaterBytes) NoteBehind("the journal is over its high-water mark");
        }
        finally
        {
            _append.Release();
        }
    }

    /// <summary>Under <see cref="_memory"/>: drop the in-memory copy; drains read the journal from where the last one ended.</summary>
    private void SwitchToFile()
    {
        _fromFile = true;
        _inMemory = [];
    }

    /// <summary>A drain failed: the store is behind; the lines stay in the journal for the next drain.</summary>
    public void NoteDrainFailed() => NoteBehind("moving the journal into the store failed");

    private void NoteBehind(string reason)
    {
        Interlocked.Increment(ref _behind);
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarnTicks);
        if (last != long.MinValue && now - last < WarnEvery.Ticks) return;
        if (Interlocked.CompareExchange(ref _lastWarnTicks, now, last) != last) return;
        LogBehind(_log, PendingBytes, HighWaterBytes, _maxBytes, reason, BehindCount);
    }

    private void SignalDrained() => Interlocked.Exchange(ref _drainedSignal, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Moves everything appended so far into the store (a query calls this first, so reads see every finished call).</summary>
    public async Task DrainAsync(CancellationToken ct = default)
    {
        await _drain.WaitAsync(ct);
        try
        {
            if (_journal is null) return;
            var path = _journalPath;
            var (events, end) = await TakeAsync(path);
            try
            {
                await IngestAsync(events, ct);
            }
            catch
            {
                // What was taken from memory is in the journal too: read it from there next time.
                lock (_memory) SwitchToFile();
                throw;
            }
            Interlocked.Exchange(ref _drained, end);
            lock (_memory)
            {
                // Caught up after draining from the file: new events are kept in memory again.
                if (_fromFile && end == Interlocked.Read(ref _appended)) _fromFile = false;
            }
            if (end >= RotateBytes) await RotateAsync(path, end);
        }
        finally
        {
            _drain.Release();
            SignalDrained(); // after a failure too: a waiting append re-checks and waits again
        }
    }

    /// <summary>The events appended since the last drain, and the journal offset they end at: from memory, else from the file.</summary>
    private async Task<(List<JournaledSpendEvent> Events, long End)> TakeAsync(string path)
    {
        lock (_memory)
        {
            if (!_fromFile)
            {
                var taken = _inMemory;
                _inMemory = [];
                return (taken, Interlocked.Read(ref _appended));
            }
        }
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Read(file, path, Interlocked.Read(ref _drained));
    }

    /// <summary>Into the store in transactions of at most <see cref="MaxBatch"/> events, as the journal's lines where the store takes them.</summary>
    private async Task IngestAsync(List<JournaledSpendEvent> events, CancellationToken ct)
    {
        for (var i = 0; i < events.Count; i += MaxBatch)
        {
            var batch = events.GetRange(i, Math.Min(MaxBatch, events.Count - i));
            await (_serializedIngest is { } serialized
                ? serialized.IngestSerializedAsync(batch, ct)
                : _store.IngestAsync(batch.ConvertAll(e => e.Event), ct));
        }
    }

    /// <summary>Moves in the journals of processes that are gone (their lock is free), then deletes them.</summary>
    public async Task RecoverAsync(CancellationToken ct = default)
    {
        if (!System.IO.Directory.Exists(_directory)) return;
        foreach (var path in System.IO.Directory.GetFiles(_directory, "spend-*.jsonl"))
        {
            if (path == _journalPath) continue;
            FileStream owner;
            try
            {
                owner = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // a live process holds it
            }
            await using (owner)
            {
                // Read through the handle that holds the lock: a second open would conflict with it.
                var (events, _) = Read(owner, path, 0);
                await IngestAsync(events, ct);
                if (events.Count > 0) LogRecovered(_log, events.Count, Path.GetFileName(path));
            }
            File.Delete(path);
        }
    }

    private FileStream Journal()
    {
        if (_journal is not null) return _journal;
        System.IO.Directory.CreateDirectory(_directory);
        _journalPath = Path.Combine(_directory, $"spend-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl");
        // FileShare.Read: this process alone appends; the lock tells recovery the journal's owner is alive.
        _journal = new FileStream(_journalPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        Interlocked.Exchange(ref _drained, 0);
        Interlocked.Exchange(ref _appended, 0);
        return _journal;
    }

    private async Task RotateAsync(string path, long drainedTo)
    {
        // Never wait here: an append at the journal's bound holds the lock until this drain signals. The next drain rotates.
        if (!await _append.WaitAsync(0)) return;
        try
        {
            // Only when nothing was appended since the drain read: then the whole file is in the store.
            if (_journal is null || _journal.Length != drainedTo) return;
            await _journal.DisposeAsync();
            _journal = null;
            File.Delete(path);
            // The next journal starts at 0: the backlog was empty.
            Interlocked.Exchange(ref _appended, 0);
            Interlocked.Exchange(ref _drained, 0);
        }
        finally
        {
            _append.Release();
        }
    }

    /// <summary>The complete lines after <paramref name="offset"/>, and where the last complete one ends.</summary>
    private (List<JournaledSpendEvent> Events, long End) Read(FileStream file, string path, long offset)
    {
        if (file.Length <= offset) return ([], offset);
        file.Position = offset;
        var bytes = new byte[file.Length - offset];
        file.ReadExactly(bytes);
        var events = new List<JournaledSpendEvent>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            var line = bytes.AsSpan(start, i - start);
            try
            {
                if (JsonSerializer.Deserialize(line, SpendJson.Default.SpendEvent) is { } e)
                    events.Add(new JournaledSpendEvent(e, System.Text.Encoding.UTF8.GetString(line)));
            }
            catch (JsonException)
            {
                LogBadLine(_log, Path.GetFileName(path));
            }
            start = i + 1;
        }
        return (events, offset + start);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync();
            if (_journal is not null)
            {
                await _journal.DisposeAsync();
                _journal = null;
                File.Delete(_journalPath);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Left for the next start's recovery.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} spend event(s) from the journal {File} of a process that stopped")]
    private static partial void LogRecovered(ILogger log, int count, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spend store is falling behind: {Pending} bytes of spend events wait in the journal (high-water mark {HighWater}, bound {Max} bytes, GATEWAY_SPEND_JOURNAL_MAX_MB): {Reason}. Times found behind so far: {Count}")]
    private static partial void LogBehind(ILogger log, long pending, long highWater, long max, string reason, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped an unreadable line in the spend journal {File}")]
    private static partial void LogBadLine(ILogger log, string file);
}
