using Gateway.Keys;
using Gateway.Spend;
using Gateway.Spend.Ingest;

namespace Gateway.Tests.Alerts;

/// <summary>One synthetic key: its record, its kind, and its events day by day.</summary>
public sealed record SyntheticKey(string Kind, KeyRecord Record, string Model, List<SpendEvent>[] Days)
{
    public string Hash => Record.Hash;
    public IEnumerable<SpendEvent> Events => Days.SelectMany(d => d);
}

/// <summary>
/// 30 days of spend for 50 keys, from a fixed seed: 25 steady (10 with a far budget), 6 ramping towards a lifetime budget
/// (2 with a soft budget; calls stop once the budget is spent, as admission would), 6 steady with one 20× day (all in one
/// team, on their own model), 7 quiet (a few small days) and 6 tiny (cents a day, one 80× day). <see cref="Expected"/>
/// works out from the series alone which alerts the rules must raise.
/// </summary>
public sealed class SyntheticHistory
{
    public const int DayCount = 30;
    public static readonly DateOnly FirstDay = new(2026, 5, 1);
    public const string SpikyTeam = "spiky-team";
    public const string SpikyModel = "gpt-spiky";

    public List<SyntheticKey> Keys { get; } = [];

    public static DateTimeOffset DayStart(int day) => new(FirstDay.AddDays(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    /// <summary>When a day's batch is judged: its last second.</summary>
    public static DateTimeOffset DayEnd(int day) => DayStart(day + 1).AddSeconds(-1);

    public SyntheticHistory()
    {
        var random = new Random(16);
        decimal Noise(decimal amount, double spread) => decimal.Round(amount * (decimal)(1 + spread * (2 * random.NextDouble() - 1)), 6);
        for (var i = 0; i < 25; i++)
        {
            var daily = 2 + i % 5;
            Add("steady", i, "gpt-steady", d => Noise(daily, 0.1), 1, maxBudget: i < 10 ? 1000 : null);
        }
        for (var i = 0; i < 6; i++)
        {
            var slope = 0.4m + 0.1m * i;
            var lastFullDay = 23 + i % 3;
            // Runs out in the middle of the day after lastFullDay at the ramp's own pace.
            var budget = Enumerable.Range(0, lastFullDay + 1).Sum(d => 1 + slope * d) + (1 + slope * (lastFullDay + 1)) / 2;
            Add("ramping", i, "gpt-ramp", d => Noise(1 + slope * d, 0.03), 2, maxBudget: decimal.Round(budget, 2), softBudget: i < 2 ? decimal.Round(budget * 0.4m, 2) : null);
        }
        for (var i = 0; i < 6; i++)
        {
            var spikeDay = 16 + i;
            Add("spiking", i, SpikyModel, d => d == spikeDay ? 60 : Noise(3, 0.1), 1, team: SpikyTeam);
        }
        for (var i = 0; i < 7; i++)
            Add("quiet", i, "gpt-quiet", d => d % 6 == i % 6 ? 0.5m : 0, 1);
        for (var i = 0; i < 6; i++)
            Add("tiny", i, "gpt-tiny", d => d == 20 ? 0.8m : Noise(0.01m, 0.1), 1);
    }

    private void Add(string kind, int index, string model, Func<int, decimal> daily, int callsPerDay, decimal? maxBudget = null, decimal? softBudget = null, string? team = null)
    {
        var name = $"{kind}-{index:D2}";
        var record = new KeyRecord
        {
            Hash = KeySecrets.Hash("sk-synthetic-" + name),
            Alias = name,
            MaxBudget = maxBudget,
            SoftBudget = softBudget,
            TeamId = team,
            CreatedAt = DayStart(0),
        };
        var days = new List<SpendEvent>[DayCount];
        var spent = 0m;
        for (var d = 0; d < DayCount; d++)
        {
            days[d] = [];
            var amount = daily(d);
            if (amount <= 0) continue;
            for (var c = 0; c < callsPerDay; c++)
            {
                if (maxBudget is { } max && spent >= max) break; // refused: the budget is spent
                var at = DayStart(d).AddHours(24.0 * (c + 0.5) / callsPerDay);
                var cost = decimal.Round(amount / callsPerDay, 6);
                spent += cost;
                days[d].Add(new SpendEvent
                {
                    Id = $"synth-{name}-{d:D2}-{c}",
                    CallType = "chat_completion",
                    StartTime = at,
                    EndTime = at.AddSeconds(2),
                    Model = model,
                    ModelGroup = model,
                    DeploymentId = model + "-0",
                    KeyHash = record.Hash,
                    KeyAlias = name,
                    TeamId = team,
                    PromptTokens = 1000,
                    CompletionTokens = 100,
                    TotalTokens = 1100,
                    Spend = cost,
                    Status = SpendStatus.Success,
                    HttpStatus = 200,
                });
            }
        }
        Keys.Add(new SyntheticKey(kind, record, model, days));
    }

    /// <summary>Every event of one day, all keys.</summary>
    public List<SpendEvent> Day(int day) => [.. Keys.SelectMany(k => k.Days[day])];

    /// <summary>
    /// The budget and anomaly alerts the series calls for, as ids without the rules' formatting: (event, group, subject, detail).
    /// A budget level fires on the day the day-end spend first reaches it, and only the highest level reached that day;
    /// the soft budget on its own; a spike is one alert for its key, its team and its model. Forecasts are checked apart.
    /// </summary>
    public HashSet<(string Event, string Group, string Subject, string Detail)> Expected(IReadOnlyList<decimal> thresholds)
    {
        var expected = new HashSet<(string, string, string, string)>();
        foreach (var k in Keys)
        {
            var cumulative = 0m;
            var fired = 0m;
            var softFired = false;
            for (var d = 0; d < DayCount; d++)
            {
                cumulative += k.Days[d].Sum(e => e.Spend);
                if (k.Record.SoftBudget is { } soft && !softFired && cumulative >= soft)
                {
                    softFired = true;
                    expected.Add(("soft_budget_crossed", "key", k.Hash, ""));
                }
                if (k.Record.MaxBudget is not { } max) continue;
                var level = thresholds.Where(t => cumulative >= t * max).DefaultIfEmpty(0).Max();
                if (level > fired)
                {
                    fired = level;
                    expected.Add((level >= 1 ? "budget_crossed" : "threshold_crossed", "key", k.Hash, (level * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%"));
                }
            }
        }
        foreach (var k in Keys.Where(k => k.Kind == "spiking"))
        {
            var day = Array.FindIndex(k.Days, d => d.Sum(e => e.Spend) == 60);
            var dayText = FirstDay.AddDays(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            expected.Add(("spend_anomaly", "key", k.Hash, dayText));
            expected.Add(("spend_anomaly", "team", SpikyTeam, dayText));
            expected.Add(("spend_anomaly", "model", SpikyModel, dayText));
        }
        return expected;
    }

    /// <summary>When a ramping key's spend reached its budget: the time of the call that took it there.</summary>
    public static DateTimeOffset TrueExhaustion(SyntheticKey k)
    {
        var spent = 0m;
        foreach (var e in k.Events)
        {
            spent += e.Spend;
            if (spent >= k.Record.MaxBudget) return e.StartTime;
        }
        throw new InvalidOperationException($"{k.Record.Alias} never reaches its budget");
    }
}
