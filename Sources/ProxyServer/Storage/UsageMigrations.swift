/// The ledger's schema, version by version. A database records the last version applied; each
/// start applies the ones after it, in order. Never edit a released version: add the next one.
enum UsageMigrations {
    /// SQLite's, in order (version 1 first).
    static let sqlite: [[String]] = [
        [
            """
            CREATE TABLE requests (
                id TEXT PRIMARY KEY, started_at TEXT NOT NULL, session_id TEXT, client_key TEXT NOT NULL DEFAULT '',
                client_model TEXT, provider TEXT NOT NULL, upstream_model TEXT NOT NULL, status INTEGER NOT NULL, error_type TEXT,
                stream INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
                cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, web_search_requests INTEGER NOT NULL,
                cost_usd REAL, duration_ms INTEGER NOT NULL, ttfb_ms INTEGER, attempts INTEGER NOT NULL
            )
            """,
            "CREATE INDEX requests_started_at ON requests (started_at)",
            "CREATE INDEX requests_session ON requests (session_id, started_at)",
            // One row per day, client key and target: what reports over months read.
            """
            CREATE TABLE usage_daily (
                day TEXT NOT NULL, client_key TEXT NOT NULL, provider TEXT NOT NULL, upstream_model TEXT NOT NULL,
                requests INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
                cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, web_search_requests INTEGER NOT NULL,
                cost_usd REAL NOT NULL, unpriced_requests INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
                PRIMARY KEY (day, client_key, provider, upstream_model)
            )
            """,
        ],
        [
            """
            CREATE TABLE client_keys (
                name TEXT PRIMARY KEY, lookup_id TEXT NOT NULL UNIQUE, salt TEXT NOT NULL, hash TEXT NOT NULL,
                budget_usd REAL, budget_period TEXT NOT NULL, rpm INTEGER, tpm INTEGER, models TEXT NOT NULL,
                created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT
            )
            """,
            // Spend and last use per key.
            "CREATE INDEX requests_client_key ON requests (client_key, started_at)",
        ],
        // The route routing by need chose.
        ["ALTER TABLE requests ADD COLUMN route TEXT"],
    ]

    /// PostgreSQL's, in order: the same tables, in PostgreSQL's types.
    static let postgres: [[String]] = [
        [
            """
            CREATE TABLE requests (
                id TEXT PRIMARY KEY, started_at TEXT NOT NULL, session_id TEXT, client_key TEXT NOT NULL DEFAULT '',
                client_model TEXT, provider TEXT NOT NULL, upstream_model TEXT NOT NULL, status INTEGER NOT NULL, error_type TEXT,
                stream SMALLINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
                cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, web_search_requests BIGINT NOT NULL,
                cost_usd DOUBLE PRECISION, duration_ms BIGINT NOT NULL, ttfb_ms BIGINT, attempts INTEGER NOT NULL
            )
            """,
            "CREATE INDEX requests_started_at ON requests (started_at)",
            "CREATE INDEX requests_session ON requests (session_id, started_at)",
            """
            CREATE TABLE usage_daily (
                day TEXT NOT NULL, client_key TEXT NOT NULL, provider TEXT NOT NULL, upstream_model TEXT NOT NULL,
                requests BIGINT NOT NULL, errors BIGINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
                cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, web_search_requests BIGINT NOT NULL,
                cost_usd DOUBLE PRECISION NOT NULL, unpriced_requests BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
                PRIMARY KEY (day, client_key, provider, upstream_model)
            )
            """,
        ],
        [
            """
            CREATE TABLE client_keys (
                name TEXT PRIMARY KEY, lookup_id TEXT NOT NULL UNIQUE, salt TEXT NOT NULL, hash TEXT NOT NULL,
                budget_usd DOUBLE PRECISION, budget_period TEXT NOT NULL, rpm INTEGER, tpm INTEGER, models TEXT NOT NULL,
                created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT
            )
            """,
            // Spend and last use per key.
            "CREATE INDEX requests_client_key ON requests (client_key, started_at)",
        ],
        [
            // Client keys' requests and tokens per second, shared by every instance for their
            // rate limits (SQLite serves one instance, which counts in memory).
            """
            CREATE TABLE key_windows (
                client_key TEXT NOT NULL, second BIGINT NOT NULL, requests BIGINT NOT NULL, tokens BIGINT NOT NULL,
                PRIMARY KEY (client_key, second)
            )
            """,
        ],
        [
            // Upstream keys an instance rested (a 401 or 429), by the first 16 hex digits of the
            // key's SHA-256: the others rest them too.
            "CREATE TABLE upstream_key_rests (key_fingerprint TEXT PRIMARY KEY, until TEXT NOT NULL)",
        ],
        ["ALTER TABLE requests ADD COLUMN route TEXT"],
        [
            // Explicit prompt caches (Gemini's cachedContents) an instance made, for the others to
            // use; the scope is a digest of upstream, key fingerprint and fixed prefix.
            """
            CREATE TABLE explicit_caches (
                name TEXT PRIMARY KEY, scope TEXT NOT NULL, digest TEXT NOT NULL, content_count INTEGER NOT NULL, tokens BIGINT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
        ],
        [
            // Message threads, for whichever instance serves the next turn (SQLite serves one
            // instance, which keeps them in memory). Named by their first reply's id.
            "CREATE TABLE message_threads (thread_id TEXT PRIMARY KEY, owner TEXT NOT NULL, fields TEXT NOT NULL, last_used_at TEXT NOT NULL)",
            "CREATE INDEX message_threads_last_used_at ON message_threads (last_used_at)",
            // A thread's replies in order, each with only the messages its turn added (a JSON
            // array); state is open, continuing (claimed until claimed_until) or continued.
            """
            CREATE TABLE message_thread_turns (
                message_id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES message_threads ON DELETE CASCADE,
                position INTEGER NOT NULL, messages TEXT NOT NULL, state TEXT NOT NULL, claimed_until TEXT
            )
            """,
            "CREATE INDEX message_thread_turns_thread ON message_thread_turns (thread_id, position)",
        ],
        [
            // Cache diagnostics' fingerprints (digests and token counts, never a prompt), for the
            // instance that serves the request naming the reply; kept a day.
            "CREATE TABLE prompt_fingerprints (message_id TEXT PRIMARY KEY, owner TEXT NOT NULL, fingerprint TEXT NOT NULL, kept_at TEXT NOT NULL)",
            "CREATE INDEX prompt_fingerprints_kept_at ON prompt_fingerprints (kept_at)",
        ],
    ]
}
