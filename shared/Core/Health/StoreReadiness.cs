using Gateway.Keys;
using Gateway.Providers;
using Gateway.Spend.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Health;

/// <summary>
/// Opens the stores in the background once the host has started: SQLite's schema, Table Storage's or DynamoDB's tables,
/// their pooled connections and credentials. The first call then finds them warm, and start-up does not wait for them
/// (liveness answers at once). <c>/health/readiness</c> waits for this, so an orchestrator that routes on readiness sends
/// traffic only to an instance whose stores answer. A failed attempt is logged and tried again by the next check.
/// </summary>
public sealed partial class StoreReadiness(IGovernanceStore governance, ISpendStore spend, ILoggerFactory logs) : IHostedService
{
    // A point read of a hash no key can have (key hashes are hex): warms the connection and the credential, finds nothing.
    private const string NoSuchKey = "readiness-probe";
    private readonly ILogger _log = logs.CreateLogger("Gateway.Health.StoreReadiness");
    private readonly object _gate = new();
    private Task? _warm;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Warm();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The current attempt; a new one when the last failed.</summary>
    private Task Warm()
    {
        lock (_gate)
        {
            if (_warm is null || _warm.IsFaulted) _warm = Task.Run(WarmAsync, CancellationToken.None); // never on the start path
            return _warm;
        }
    }

    private async Task WarmAsync()
    {
        try
        {
            await governance.InitializeAsync();
            await governance.GetKeyAsync(NoSuchKey);
            await spend.InitializeAsync();
        }
        catch (Exception e)
        {
            LogUnreachable(_log, CredentialRedactor.Redact(e.Message) ?? e.GetType().Name);
            throw;
        }
    }

    /// <summary>Whether the stores answer, waiting at most <paramref name="wait"/>: "connected", "connecting" or "unreachable".</summary>
    public async Task<(bool Ready, string State)> CheckAsync(TimeSpan wait, CancellationToken ct)
    {
        var attempt = Warm();
        try
        {
            await attempt.WaitAsync(wait, ct);
            return (true, "connected");
        }
        catch (TimeoutException)
        {
            return (false, "connecting");
        }
        catch (Exception) when (attempt.IsFaulted)
        {
            return (false, "unreachable"); // the reason is in the log: this probe needs no key
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store did not answer: {Reason}. /health/readiness reports it unready until it does.")]
    private static partial void LogUnreachable(ILogger log, string reason);
}
