// Command portal is a small HTTP JSON service as a government portal would embed shixian: it
// accepts and classifies cases, records their events, answers their status with an explanation,
// reports, and hot-reloads the policy after testing it. Cases persist in a real database through
// database/sql: SQLite by default through a pure-Go driver (modernc.org/sqlite, no cgo), or
// PostgreSQL through pgx with --db postgres://…, where several portal processes may share one
// database (see replicas.go and README.md). The schema is built by numbered migrations
// (migrations.go).
//
// Usage:
//
//	portal [--addr 127.0.0.1:8080] [--tokens FILE] [--db portal.db] [--policy FILE] [--suite FILE]...
//	       [--timeout 5s] [--readers 4] [--webhook URL] [--policy-poll 2s]
//
// Routes (JSON in and out; every route but GET /healthz needs a bearer token of a role the
// route admits; see Server.Handler and README.md):
//
//	GET  /healthz             liveness, no token
//	POST /cases               accept and classify a case → 201 {case, decision, deadline}   clerk, admin
//	POST /cases/{id}/events   append an event → 200 {case, status, explanation}             clerk, admin
//	GET  /cases/{id}?now=…    status with explanation                                       all roles
//	GET  /report?from=…&to=…  report as json, csv or md                                     supervisor, admin
//	GET  /report?period=week|month&from=…  weekly analysis / monthly dispatch, json, csv, md or svg   supervisor, admin
//	GET  /policy              the active policy versions                                    all roles
//	GET  /policy/history      the audit trail of policy activations                         supervisor, admin
//	POST /policy              a policy file (YAML), validated and tested before it is swapped in   admin
//	GET  /reminders?limit=N   the cases due for a look, and the reminders recorded (reminders.go)  supervisor, admin
//	GET  /board               the supervision board (督办看板), HTML (board.go)                supervisor, admin
//	GET  /calendar/{handler}.ics  a handler's deadlines and warnings, iCalendar (ics.go)     supervisor, admin, the clerk named
//
// Security: tokens come from --tokens (one `ROLE NAME SECRET` per line) or, without it, one
// random admin token is printed once at start. The portal listens on loopback by default and
// has no TLS: put a TLS reverse proxy in front before opening it wider (README.md, Security).
//
// Reminders: every write stores, in the indexed column cases.next_change, the instant the
// case's status next changes without a new event (sla.Status.NextChange); the scheduler sleeps
// until the earliest, records each warning, supervision level and overdue transition once in
// the reminders table (idempotent across restarts and replicas), hands it to a Notifier (log,
// or --webhook), and moves the case on — no periodic scan of open cases (see Reminders).
//
// Time zone: every civil date is taken in China Standard Time (UTC+8), the library's
// convention. The wall clock is read only by the HTTP layer, as the default `now` (see Server).
//
// Glossary: 受理 accepted; 分类 classified; 转办 transferred; 签收 signed for; 中止 paused;
// 延期 extended; 办结/销号 closed; 回访 visited; 重新办理 reopened; 按期办结率 on-time rate.
//
// Concurrency: reads use their own pool and never wait for writers. Writes go through one
// in-process write slot (SQLite has one writer), waiting at most until the request's deadline
// (then 503 with Retry-After, nothing stored), and writes waiting together are committed as a
// group, a savepoint each. An append does its expensive work (replay, statuses, explanation)
// before taking the slot and writes conditionally on the case's event count, redoing the work
// inside the write with the case's row locked if another append — of this process or of
// another replica — won. Any answer but 2xx means nothing was stored.
package main
