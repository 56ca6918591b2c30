// Command portal is a small HTTP JSON service as a government portal would embed shixian: it
// accepts and classifies cases, records their events, answers their status with an explanation,
// reports, and hot-reloads the policy after testing it. Cases persist in a real database through
// database/sql: SQLite by default through a pure-Go driver (modernc.org/sqlite, no cgo); the
// schema is portable, so PostgreSQL works by changing the driver and DSN (see README.md).
//
// Usage:
//
//	portal [--addr :8080] [--db portal.db] [--policy FILE] [--suite FILE]...
//
// Routes (JSON in and out; see Server.Handler and README.md):
//
//	POST /cases               accept and classify a case → 201 {case, decision, deadline}
//	POST /cases/{id}/events   append an event → 200 {case, status, explanation}
//	GET  /cases/{id}?now=…    status with explanation
//	GET  /report?from=…&to=…  report as json, csv or md
//	GET  /policy              the active policy versions
//	POST /policy              a policy file (YAML), validated and tested before it is swapped in
//
// Time zone: every civil date is taken in China Standard Time (UTC+8), the library's
// convention. The wall clock is read only by the HTTP layer, as the default `now` (see Server).
//
// Glossary: 受理 accepted; 分类 classified; 转办 transferred; 签收 signed for; 中止 paused;
// 延期 extended; 办结/销号 closed; 回访 visited; 重新办理 reopened; 按期办结率 on-time rate.
//
// Concurrency: the server handles requests concurrently; appending events to one case is a
// database transaction keyed by (case, sequence number), so concurrent appends never interleave
// half-applied; POST /policy swaps the active policy atomically (sla.Holder).
package main
