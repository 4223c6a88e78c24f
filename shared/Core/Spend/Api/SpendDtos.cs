using System.Text.Json.Serialization;

namespace Gateway.Spend.Api;

/// <summary>A page of <c>/spend/logs</c>: the rows (LiteLLM's row fields) and the cursor for the next page (null at the end).</summary>
public sealed record SpendLogsResponse(
    [property: JsonPropertyName("data")] List<SpendEvent> Data,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>One day of <c>/global/spend/report</c>: every group's totals that day.</summary>
public sealed record SpendReportDay(
    [property: JsonPropertyName("group_by_day")] string Day,
    [property: JsonPropertyName("group_by")] string GroupBy,
    [property: JsonPropertyName("groups")] List<SpendTotal> Groups);

/// <summary>Totals of one key, team, user, model or tag over a period.</summary>
public sealed record SpendTotal(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("total_spend")] decimal TotalSpend,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("cache_read_input_tokens")] long CacheReadTokens,
    [property: JsonPropertyName("cache_creation_input_tokens")] long CacheWriteTokens,
    [property: JsonPropertyName("cache_hits")] long CacheHits,
    [property: JsonPropertyName("saved")] decimal Saved)
{
    public static SpendTotal Of(string name, IEnumerable<Ingest.SpendRollup> rows)
    {
        long nanos = 0, requests = 0, failures = 0, prompt = 0, completion = 0, read = 0, write = 0, hits = 0, saved = 0;
        foreach (var r in rows)
        {
            nanos += r.SpendNanos;
            requests += r.Requests;
            failures += r.Failures;
            prompt += r.PromptTokens;
            completion += r.CompletionTokens;
            read += r.CacheReadTokens;
            write += r.CacheWriteTokens;
            hits += r.CacheHits;
            saved += r.SavedNanos;
        }
        return new SpendTotal(name, Money.FromNanos(nanos), requests, failures, prompt, completion, read, write, hits, Money.FromNanos(saved));
    }
}

/// <summary><c>/global/spend/summary</c>: the console overview's data in one answer (see <see cref="SpendSummary"/>).</summary>
public sealed record SpendSummaryResponse(
    [property: JsonPropertyName("start_date")] string StartDate,
    [property: JsonPropertyName("end_date")] string EndDate,
    [property: JsonPropertyName("today")] SpendSummaryTotals Today,
    [property: JsonPropertyName("month")] SpendSummaryTotals Month,
    [property: JsonPropertyName("range")] SpendSummaryTotals Range,
    [property: JsonPropertyName("daily")] List<SpendSummaryDay> Daily,
    [property: JsonPropertyName("top_keys")] List<SpendSummaryRank> TopKeys,
    [property: JsonPropertyName("top_teams")] List<SpendSummaryRank> TopTeams,
    [property: JsonPropertyName("top_models")] List<SpendSummaryRank> TopModels,
    [property: JsonPropertyName("budgets")] List<SpendSummaryBudget> Budgets);

public sealed record SpendSummaryTotals(
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("failures")] long Failures);

/// <summary>One day's spend, split by model group (the stacks of the overview chart).</summary>
public sealed record SpendSummaryDay(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("models")] List<SpendSummaryModel> Models);

public sealed record SpendSummaryModel(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("requests")] long Requests);

/// <summary>A top spender: a key's token (with its alias as <c>label</c>), a team id (with its alias) or a model.</summary>
public sealed record SpendSummaryRank(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("failures")] long Failures);

/// <summary>A key's or team's spend in its current budget window against its <c>max_budget</c>.</summary>
public sealed record SpendSummaryBudget(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("spend")] decimal Spend,
    [property: JsonPropertyName("max_budget")] decimal MaxBudget,
    [property: JsonPropertyName("budget_duration")] string? BudgetDuration);
