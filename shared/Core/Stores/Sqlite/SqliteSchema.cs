namespace Gateway.Stores.Sqlite;

/// <summary>The embedded store's tables. Money columns are integer nano-dollars (SQLite has no exact decimal).</summary>
internal static class SqliteSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS keys(hash TEXT PRIMARY KEY, alias TEXT UNIQUE, team_id TEXT, user_id TEXT, created INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS keys_team ON keys(team_id);
        CREATE INDEX IF NOT EXISTS keys_user ON keys(user_id);
        CREATE TABLE IF NOT EXISTS teams(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS end_users(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS counters(subject TEXT PRIMARY KEY, budget_start INTEGER NOT NULL, spend INTEGER NOT NULL,
          reserved INTEGER NOT NULL, minute_start INTEGER NOT NULL, requests INTEGER NOT NULL, tokens_used INTEGER NOT NULL,
          tokens_reserved INTEGER NOT NULL, in_flight INTEGER NOT NULL, budget_duration TEXT);
        CREATE TABLE IF NOT EXISTS reservations(id TEXT NOT NULL, subject TEXT NOT NULL, cost INTEGER NOT NULL, tokens INTEGER NOT NULL,
          expires INTEGER NOT NULL, PRIMARY KEY(id, subject));
        CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations(expires);
        CREATE TABLE IF NOT EXISTS spend_logs(request_id TEXT PRIMARY KEY, day TEXT NOT NULL, start_ms INTEGER NOT NULL,
          key TEXT NOT NULL, team_id TEXT, user_id TEXT, model TEXT NOT NULL, spend INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS spend_logs_key ON spend_logs(key, start_ms DESC, request_id DESC);
        CREATE INDEX IF NOT EXISTS spend_logs_time ON spend_logs(start_ms DESC, request_id DESC);
        CREATE TABLE IF NOT EXISTS spend_rollups(dimension TEXT NOT NULL, day TEXT NOT NULL, value TEXT NOT NULL,
          spend INTEGER NOT NULL, requests INTEGER NOT NULL, failures INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
          completion_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
          cache_hits INTEGER NOT NULL DEFAULT 0, saved INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY(dimension, day, value));
        CREATE TABLE IF NOT EXISTS cooldowns(deployment TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS response_cache(key TEXT PRIMARY KEY, body BLOB NOT NULL, stored_ms INTEGER NOT NULL,
          expires_ms INTEGER NOT NULL, cost INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS response_cache_expiry ON response_cache(expires_ms);
        CREATE TABLE IF NOT EXISTS semantic_vectors(idx TEXT NOT NULL, key TEXT NOT NULL, vector BLOB NOT NULL, stored_ms INTEGER NOT NULL,
          expires_ms INTEGER NOT NULL, PRIMARY KEY(idx, key));
        CREATE INDEX IF NOT EXISTS semantic_vectors_recent ON semantic_vectors(idx, stored_ms);
        CREATE TABLE IF NOT EXISTS alerts(id TEXT PRIMARY KEY, fired_ms INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS alerts_fired ON alerts(fired_ms DESC);
        CREATE TABLE IF NOT EXISTS stored_responses(id TEXT PRIMARY KEY, owner TEXT NOT NULL, team TEXT, deployment TEXT,
            body BLOB NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS stored_responses_expiry ON stored_responses(expires_ms);
        """;

    /// <summary>Columns added after a release: a file made by an earlier version gets them on open (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    public static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("spend_rollups", "cache_hits", "INTEGER NOT NULL DEFAULT 0"),
        ("spend_rollups", "saved", "INTEGER NOT NULL DEFAULT 0"),
    ];
}
