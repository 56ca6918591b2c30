#!/usr/bin/env bash
# with-postgres.sh CMD [ARG…]: start a throwaway PostgreSQL server, run CMD with
# SHIXIAN_PORTAL_PG (and DATABASE_URL) set to its DSN, then stop the server and delete it,
# whatever CMD did. CMD's exit status is the script's.
#
# The server runs as an unprivileged user (PostgreSQL refuses to run as root: when the script
# runs as root it uses PG_USER, default "nobody"), in a fresh temporary directory, listening on
# 127.0.0.1 only, on a free port, with trust authentication for that loopback address alone
# and fsync off (the data is thrown away). It needs Debian's postgresql package (initdb and
# pg_ctl under /usr/lib/postgresql/*/bin) or PG_BIN pointing at them.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARG…]" >&2
	exit 2
fi

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
	echo "$0: no PostgreSQL server binaries (apt-get install -y postgresql, or set PG_BIN)" >&2
	exit 2
fi

run_as=()
if [ "$(id -u)" -eq 0 ]; then
	PG_USER=${PG_USER:-nobody}
	run_as=(runuser -u "$PG_USER" --)
fi

# Under /tmp (or PG_TMPDIR), not $TMPDIR: the server's user must be able to reach the directory.
dir=$(mktemp -d "${PG_TMPDIR:-/tmp}/shixian-pg.XXXXXX")
chmod 0755 "$dir"
mkdir -m 0700 "$dir/data"
if [ ${#run_as[@]} -gt 0 ]; then chown "$PG_USER" "$dir" "$dir/data"; fi

started=0
cleanup() {
	status=$?
	if [ "$started" -eq 1 ]; then
		"${run_as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port: bind to port 0 and read back what the kernel chose. Another process could take
# it before the server does; pg_ctl then fails and the script says so.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + RANDOM % 20000)))

"${run_as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U portal --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
cat >"$dir/data/pg_hba.conf" <<HBA
host all portal 127.0.0.1/32 trust
HBA
"${run_as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
started=1

export SHIXIAN_PORTAL_PG="postgres://portal@127.0.0.1:$port/postgres?sslmode=disable"
export DATABASE_URL="$SHIXIAN_PORTAL_PG"
echo "with-postgres: $("$PG_BIN/postgres" --version) on 127.0.0.1:$port (data in $dir)" >&2
"$@"
