using System.Globalization;
using Gateway.Alerts.Config;
using Gateway.Alerts.State;
using Gateway.Spend;

namespace Gateway.Alerts.Rules;

/// <summary>
/// <c>llm_too_slow</c>: a call that took longer than <c>alerting_threshold</c>. One alert per deployment per hour, naming
/// the slowest call of the batch, so a slow provider is one message an hour, not one per call.
/// </summary>
public sealed class SlowCallRule(TimeSpan threshold)
{
    public IEnumerable<AlertRecord> Evaluate(IEnumerable<SpendEvent> events, DateTimeOffset now)
    {
        var slow = events.Where(e => e.EndTime - e.StartTime > threshold)
            .GroupBy(e => (Deployment: e.DeploymentId ?? e.ModelGroup ?? e.Model, Hour: e.StartTime.ToUnixTimeSeconds() / 3600));
        foreach (var g in slow)
        {
            var worst = g.MaxBy(e => e.EndTime - e.StartTime)!;
            var seconds = (worst.EndTime - worst.StartTime).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            yield return new AlertRecord
            {
                Id = string.Join('|', "slow", AlertGroups.Deployment, g.Key.Deployment, g.Key.Hour.ToString(CultureInfo.InvariantCulture)),
                AlertType = AlertTypes.TooSlow,
                Event = "llm_too_slow",
                EventGroup = AlertGroups.Deployment,
                Subject = g.Key.Deployment,
                Message = $"Calls to {worst.ModelGroup ?? worst.Model} (deployment {g.Key.Deployment}) are slow: {g.Count()} over {threshold.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, the slowest {seconds} s.",
                FiredAt = now,
                Details = new()
                {
                    ["model"] = worst.ModelGroup ?? worst.Model,
                    ["slow_calls"] = g.Count().ToString(CultureInfo.InvariantCulture),
                    ["slowest_seconds"] = seconds,
                    ["threshold_seconds"] = threshold.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                },
            };
        }
    }
}
