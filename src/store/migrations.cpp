#include "store/migrations.hpp"

#include <set>
#include <string>

namespace tom::store {

namespace {

struct Migration {
  int version;
  const char* name;
  const char* ddl;               // {{ID}} becomes the dialect's auto-increment key
  const char* pg_ddl = nullptr;  // PostgreSQL's own, where the two differ
};

// Never edit a released migration: add a new one.
const Migration kMigrations[] = {
    {1, "core schema", R"SQL(
CREATE TABLE templates (
  id TEXT NOT NULL,
  version TEXT NOT NULL,
  name TEXT NOT NULL,
  family TEXT NOT NULL,
  body TEXT NOT NULL,
  digest TEXT NOT NULL,
  sections BIGINT NOT NULL,
  items BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE organisations (
  id {{IDPK}},
  name TEXT NOT NULL UNIQUE,
  ods_code TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE assessments (
  id {{IDPK}},
  template_id TEXT NOT NULL,
  template_version TEXT NOT NULL,
  product TEXT NOT NULL,
  product_version TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  custodian TEXT NOT NULL DEFAULT '',
  derived_from BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  FOREIGN KEY (template_id, template_version) REFERENCES templates (id, version)
);
CREATE TABLE participants (
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  party TEXT NOT NULL,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  PRIMARY KEY (assessment_id, party)
);
CREATE TABLE answers (
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  item_id TEXT NOT NULL,
  value TEXT NOT NULL,
  note TEXT NOT NULL,
  reference TEXT NOT NULL,
  author TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (assessment_id, item_id)
);
CREATE TABLE findings (
  id {{IDPK}},
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  item_id TEXT NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  role TEXT NOT NULL,
  party TEXT NOT NULL,
  owner TEXT NOT NULL,
  mitigation TEXT NOT NULL,
  status TEXT NOT NULL,
  accepted_by TEXT NOT NULL,
  accepted_role TEXT NOT NULL,
  accepted_at TEXT NOT NULL,
  expires_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE (assessment_id, key)
);
CREATE TABLE approvals (
  id {{IDPK}},
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  phase TEXT NOT NULL,
  area TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL,
  outcome TEXT NOT NULL,
  certificate TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL
);
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_key TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_key);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
)SQL"},
    {2, "identity and workflow", R"SQL(
CREATE TABLE users (
  id {{IDPK}},
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  roles TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE handoffs (
  id {{IDPK}},
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  from_party TEXT NOT NULL,
  to_party TEXT NOT NULL,
  note TEXT NOT NULL,
  by_user TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE submissions (
  id {{IDPK}},
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  phase TEXT NOT NULL,
  by_user TEXT NOT NULL,
  at TEXT NOT NULL
);
)SQL"},
    // An approval records what it was decided on (to see later changes) and why an incomplete phase was
    // approved anyway.
    {3, "approval basis and override", R"SQL(
ALTER TABLE approvals ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN basis TEXT NOT NULL DEFAULT '';
)SQL"},
    // The keyed audit chain (docs/audit.md): where it starts and which key signs it; each event filed under
    // its assessment so one assessment's history is an indexed query. The store fills both on first open.
    {4, "keyed audit chain", R"SQL(
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN assessment_id BIGINT NOT NULL DEFAULT -1;
CREATE INDEX audit_events_assessment ON audit_events (assessment_id, seq);
)SQL"},
    // What the lists show, kept with every write (domain::AssessmentSummary), so that no list loads answers:
    // one narrow row per assessment for filtering, sorting and counting in SQL (its status as of the day in
    // summary_day), the rest as JSON for display; which organisations each assessment waits for; when its
    // accepted findings lapse; counters for the unfiltered lists, kept in shards so writers on one
    // PostgreSQL do not queue on one row; indexes for the lists' filters.
    {5, "assessment summaries", R"SQL(
CREATE TABLE assessment_summaries (
  assessment_id BIGINT PRIMARY KEY REFERENCES assessments (id),
  format BIGINT NOT NULL,
  template_id TEXT NOT NULL,
  template_version TEXT NOT NULL,
  product TEXT NOT NULL,
  custodian TEXT NOT NULL,
  created_at TEXT NOT NULL,
  required BIGINT NOT NULL,
  answered BIGINT NOT NULL,
  open_findings BIGINT NOT NULL,
  open_escalations BIGINT NOT NULL,
  awaiting_acceptance BIGINT NOT NULL,
  next_lapse TEXT NOT NULL,
  next_escalation_lapse TEXT NOT NULL,
  approved BIGINT NOT NULL,
  waits_central BIGINT NOT NULL,
  rag TEXT NOT NULL,
  escalation BIGINT NOT NULL,
  lapsed BIGINT NOT NULL,
  phase_states TEXT NOT NULL,
  search_text TEXT NOT NULL
);
CREATE INDEX assessment_summaries_template ON assessment_summaries (template_id, template_version);
CREATE INDEX assessment_summaries_product ON assessment_summaries (product, assessment_id);
CREATE INDEX assessment_summaries_rag ON assessment_summaries (rag, assessment_id);
CREATE INDEX assessment_summaries_central ON assessment_summaries (waits_central, assessment_id);
CREATE INDEX assessment_summaries_approved ON assessment_summaries (approved, waits_central, assessment_id);
CREATE INDEX assessment_summaries_escalation ON assessment_summaries (escalation, assessment_id);
CREATE INDEX assessment_summaries_next_lapse ON assessment_summaries (next_lapse);
CREATE INDEX assessment_summaries_next_escalation_lapse ON assessment_summaries (next_escalation_lapse);
CREATE TABLE assessment_summary_details (
  assessment_id BIGINT PRIMARY KEY REFERENCES assessments (id),
  detail TEXT NOT NULL
);
CREATE TABLE assessment_waits (
  organisation_id BIGINT NOT NULL,
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  PRIMARY KEY (organisation_id, assessment_id)
);
CREATE INDEX assessment_waits_assessment ON assessment_waits (assessment_id);
CREATE TABLE assessment_lapses (
  assessment_id BIGINT NOT NULL REFERENCES assessments (id),
  expires_on TEXT NOT NULL,
  escalation BIGINT NOT NULL
);
CREATE INDEX assessment_lapses_assessment ON assessment_lapses (assessment_id, expires_on);
CREATE INDEX assessment_lapses_expiry ON assessment_lapses (expires_on, assessment_id);
CREATE INDEX participants_organisation ON participants (organisation_id, assessment_id);
CREATE TABLE summary_counts (
  bucket TEXT NOT NULL,
  shard BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (bucket, shard)
);
CREATE TABLE summary_day (
  id INTEGER PRIMARY KEY,
  today TEXT NOT NULL
);
INSERT INTO summary_day (id, today) VALUES (1, '');
)SQL"},
    // The simple lists read a page at a time in their order (store/list_pages.cpp): organisations and people
    // by name, people of one organisation by name.
    {6, "list orders", R"SQL(
CREATE INDEX organisations_by_name ON organisations (lower(name), id);
CREATE INDEX users_by_name ON users (lower(name), id);
CREATE INDEX users_by_organisation ON users (organisation_id, lower(name), id);
)SQL"},
    // Words searched for anywhere in a product's or organisation's name (summary_queries.cpp) found by a
    // trigram index rather than by reading every summary. SQLite: an FTS5 trigram table kept by triggers (an
    // answer saved rewrites the summary, but its words only when they change). PostgreSQL: pg_trgm's GIN
    // index serves the same LIKE; a database where the extension cannot be created (not installed, or a role
    // that may not) keeps working without the index, searching by reading the summaries as before.
    {7, "search by trigrams", R"SQL(
CREATE VIRTUAL TABLE assessment_search USING fts5(search_text, tokenize = 'trigram');
INSERT INTO assessment_search (rowid, search_text) SELECT assessment_id, search_text FROM assessment_summaries;
CREATE TRIGGER assessment_search_insert AFTER INSERT ON assessment_summaries BEGIN
  INSERT INTO assessment_search (rowid, search_text) VALUES (new.assessment_id, new.search_text);
END;
CREATE TRIGGER assessment_search_update AFTER UPDATE OF assessment_id, search_text ON assessment_summaries
WHEN old.search_text IS NOT new.search_text OR old.assessment_id IS NOT new.assessment_id BEGIN
  DELETE FROM assessment_search WHERE rowid = old.assessment_id;
  INSERT INTO assessment_search (rowid, search_text) VALUES (new.assessment_id, new.search_text);
END;
CREATE TRIGGER assessment_search_delete AFTER DELETE ON assessment_summaries BEGIN
  DELETE FROM assessment_search WHERE rowid = old.assessment_id;
END;
)SQL",
     R"SQL(
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX assessment_summaries_search ON assessment_summaries USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'searches read every summary: no trigram index (%)', SQLERRM;
END
$$;
)SQL"},
};

std::string render(const Migration& m, sql::Dialect d) {
  std::string s = d == sql::Dialect::kPostgres && m.pg_ddl ? m.pg_ddl : m.ddl;
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
      s.replace(p, from.size(), to);
  };
  if (d == sql::Dialect::kSqlite) {
    replace("{{IDPK}}", "INTEGER PRIMARY KEY AUTOINCREMENT");
  } else {
    replace("{{IDPK}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  }
  return s;
}

const sql::Query kCreateMigrations{
    "migrations.create",
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    nullptr};
const sql::Query kAppliedVersions{"migrations.versions",
                                  "SELECT version FROM schema_migrations ORDER BY version", nullptr};
const sql::Query kRecord{"migrations.record",
                         "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, "
                         "strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                         "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, "
                         "to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"};
const sql::Query kPgLock{"migrations.lock", "SELECT 1", "SELECT pg_advisory_xact_lock(7415001)"};

}  // namespace

Status migrate(sql::Connection& conn) {
  TOM_TRY(conn.begin());
  auto run = [&]() -> Status {
    // Several servers may start together on one PostgreSQL database: the advisory lock makes them take turns.
    TOM_TRY(conn.query(kPgLock, {}));
    TOM_TRY(conn.query(kCreateMigrations, {}));
    TOM_ASSIGN(auto rows, conn.query(kAppliedVersions, {}));
    // Each migration is applied by number, not "everything above the highest": a database that took one
    // migration before another of a lower number (branches merged in either order) still gets the other.
    std::set<int> applied;
    for (const auto& r : rows) applied.insert(static_cast<int>(sql::integer(r, 0)));
    if (!applied.empty() && *applied.rbegin() > kSchemaVersion)
      return Error::unavailable("the database was created by a newer version of tom (schema " +
                                std::to_string(*applied.rbegin()) + "); upgrade tom");
    for (const auto& m : kMigrations) {
      if (applied.count(m.version)) continue;
      TOM_TRY(conn.exec_script(render(m, conn.dialect())));
      TOM_TRY(conn.query(kRecord, {int64_t{m.version}, std::string(m.name)}));
    }
    return ok_status();
  };
  Status st = run();
  if (!st.ok()) {
    conn.rollback();
    return st;
  }
  return conn.commit();
}

}  // namespace tom::store
