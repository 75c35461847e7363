#!/usr/bin/env bash
# Benchmarks behind BENCHMARKS.md. Each scenario starts a fresh server (or the
# bare relay) on loopback, runs rondo-loadgen against it, and keeps the JSON
# summary in bench/results/.
#
#   bench/run.sh idle              # 2 375 groups x 8 members held idle
#   bench/run.sh compare RATE REPS # 1 000 groups x 8: rondo and the relay, alternating
#   bench/run.sh sweep TARGET RATES...  # the same load at several rates, for one target
#   bench/run.sh quiet             # 2 400 groups x 8, one action per member every 10 s
#   bench/run.sh restart           # start-up after a SIGKILL with ~1 000 000 events logged
#   bench/run.sh ladder [REPS [RATES...]]  # 1 000 groups x 8 at 0.5-4 actions/s per member: the bare
#                                  # Rust relay, a Node ws relay, a Bun relay and rondo, side by side
#   bench/run.sh ab BASE [REPS [RATES...]]  # the ladder's load for Bun, the rondo binary BASE
#                                  # (the build before a change) and this build, side by side,
#                                  # into bench/results/ab/
#   bench/run.sh disk [REPS [RATES...]]  # the ladder's load for rondo with its database on the
#                                  # disk and in memory (tmpfs), side by side, into bench/results/disk/
#   bench/run.sh failover [KILLS]  # kill -9 of a group's owner to the first ack from the new one
#   bench/run.sh cluster [RATE]    # 1 000 groups x 8 on three nodes on PostgreSQL, then one on SQLite
#
# Every server runs on core 0 and the load generator on core 1 (taskset), so
# the figures are per core and the two never compete.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p rondo-server -p rondo-tests --bins
BIN=target/release
OUT=bench/results
mkdir -p "$OUT"
ulimit -n 20000
SERVER_CORE=(taskset -c 0)
LOAD_CORE=(taskset -c 1)
if [ "${1:-}" = cluster ]; then
  # Three nodes, PostgreSQL and HAProxy are seven busy processes: on one
  # core they wait for each other's time slices, not for work. The cluster
  # and the single node it is compared with both get the whole machine.
  SERVER_CORE=(taskset -c 0,1)
  LOAD_CORE=(taskset -c 0,1)
fi
STEP_S=${STEP_S:-10}

serve() { # serve DIR PORT: starts rondo, prints its pid
  # The load generator opens thousands of sockets, and creates a thousand
  # groups, from a few addresses.
  "${SERVER_CORE[@]}" "${RONDO:-$BIN/rondo}" serve --addr "127.0.0.1:$2" --db "$1/rondo.db" --data-key "$(printf 'ab%.0s' {1..32})" \
    --max-conns-per-ip 20000 --max-unauthenticated-per-ip 20000 --groups-per-hour-per-ip 1000000 \
    >"$1/out" 2>"$1/log" &
  echo $!
}

stop() { # stop PID: SIGTERM, then wait until it has exited (a server started
  # by serve is not this shell's child, so `wait` alone returns at once)
  kill "$1"; wait "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

cpu_ticks() { # cpu_ticks PID: sets TICKS to the process's utime + stime (all its
  # threads), in clock ticks, from /proc as the load generator reads the server's
  local stat rest
  read -r stat <"/proc/$1/stat" || { TICKS=; return; }
  rest=${stat##*) }  # the command name may hold spaces; the fields after it do not
  read -r -a stat <<<"$rest"
  TICKS=$((stat[11] + stat[12]))
}

loadgen_cpu() { # loadgen_cpu PID JSON: passes the load generator's output through
  # (its own progress lines to stderr, as before) and adds to each step its own
  # CPU share of core 1 over that step, so that a saturated generator is not read
  # as a slow server. Its steps start when it says it has connected and end at
  # each t= line; it lingers 2 s after the last one, so /proc is still there.
  local pid=$1 json=$2 line before= since now pcts=() hz
  hz=$(getconf CLK_TCK)
  while IFS= read -r line; do
    case $line in
      "connected in"*)
        cpu_ticks "$pid"; before=$TICKS; since=$EPOCHREALTIME; printf '%s\n' "$line" >&2 ;;
      t=*)
        cpu_ticks "$pid"; now=$EPOCHREALTIME
        if [ -n "$before" ] && [ -n "$TICKS" ]; then
          pcts+=("$(python3 -c "print(round(($TICKS - $before) / $hz / ($now - $since) * 100, 1))")")
          line+=" loadgen=${pcts[-1]}%"
        else
          pcts+=(null)
        fi
        before=$TICKS; since=$now
        printf '%s\n' "$line" ;;
      created*|"connected "*) printf '%s\n' "$line" >&2 ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
  [ -f "$json" ] || return 0
  python3 - "$json" "${pcts[@]}" <<'PY'
import json, sys
path, pcts = sys.argv[1], [None if p == "null" else float(p) for p in sys.argv[2:]]
result = json.load(open(path))
steps = result.get("steps", [])
for step, pct in zip(steps, pcts):
    step["loadgen_cpu_pct"] = pct
# The whole run's share: the steps' shares weighted by their lengths (t_s is cumulative).
ends = [s.get("t_s", 0) for s in steps]
weighted = [(s["loadgen_cpu_pct"], end - start) for s, start, end in zip(steps, [0] + ends[:-1], ends)
            if s.get("loadgen_cpu_pct") is not None]
total = sum(length for _, length in weighted)
result["loadgen_cpu_pct"] = round(sum(p * length for p, length in weighted) / total, 1) if total else None
json.dump(result, open(path, "w"), indent=2)
print(f"  loadgen cpu {result['loadgen_cpu_pct']}% of core 1 (steps: {', '.join(str(p) for p in pcts)})")
PY
}

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }

run() { # run TARGET GROUPS RATE DURATION NAME [extra loadgen args]
  local target=$1 groups=$2 rate=$3 duration=$4 name=$5; shift 5
  local dir pid port=8400
  dir=$(mktemp -d)
  if [ "$target" = relay ]; then
    "${SERVER_CORE[@]}" "$BIN/rondo-relay" --addr "127.0.0.1:$port" >"$dir/out" 2>&1 & pid=$!
    set -- --relay "$@"
  elif [ "$target" = node ]; then
    "${SERVER_CORE[@]}" node bench/node-relay/relay.mjs 127.0.0.1 "$port" >"$dir/out" 2>&1 & pid=$!
    set -- --relay "$@"
  elif [ "$target" = bun ]; then
    # The binary itself (not a wrapper), so the pid is the server's.
    "${SERVER_CORE[@]}" bench/bun-relay/node_modules/.bin/bun bench/bun-relay/relay.mjs 127.0.0.1 "$port" >"$dir/out" 2>&1 & pid=$!
    set -- --relay "$@"
  elif [ "$target" = base ]; then
    pid=$(RONDO="$BASE" serve "$dir" $port)
  else
    pid=$(serve "$dir" $port)
  fi
  wait_port $port
  # Through a fifo, so that the load generator's pid is known to the reader.
  local lg
  mkfifo "$dir/loadgen"
  rm -f "$OUT/$name.json"
  "${LOAD_CORE[@]}" "$BIN/rondo-loadgen" --addr "127.0.0.1:$port" --groups "$groups" --rate "$rate" --duration-s "$duration" \
    --step-s "$STEP_S" --source-addrs 4 --pid "$pid" --json "$OUT/$name.json" "$@" >"$dir/loadgen" 2>&1 & lg=$!
  loadgen_cpu "$lg" "$OUT/$name.json" <"$dir/loadgen" | tail -4
  wait "$lg"
  stop "$pid"
  rm -rf "$dir"
}

case "${1:-}" in
  idle) run rondo 2375 0 20 idle --connect-rate 3000 ;;
  compare)
    for rep in $(seq "${3:-3}"); do
      run rondo 1000 "$2" 30 "compare-rondo-$2-$rep"
      run relay 1000 "$2" 30 "compare-relay-$2-$rep"
    done ;;
  sweep)
    target=$2; shift 2
    for rate in "$@"; do run "$target" 1000 "$rate" 30 "sweep-$target-$rate"; done ;;
  quiet) run rondo 2400 0.1 60 quiet --connect-rate 3000 ;;
  ladder)
    (cd bench/node-relay && npm ci --silent --no-audit --no-fund)
    (cd bench/bun-relay && npm ci --silent --no-audit --no-fund)
    reps=${2:-2}
    # Rates to run (default: the whole ladder); more repetitions of a few
    # rates replace and add to those files, and the table takes every file.
    rates=("${@:3}")
    # Up to 4 actions/s per member: the relays' capacity lies between 2.5 and 4.
    [ ${#rates[@]} -gt 0 ] || rates=(0.5 1 1.5 2 2.5 3 3.5 4)
    export STEP_S=8
    for rate in "${rates[@]}"; do
      for rep in $(seq "$reps"); do
        for target in relay node bun rondo; do run "$target" 1000 "$rate" 16 "ladder-$target-$rate-$rep"; done
      done
    done
    python3 bench/ladder.py "$OUT" ;;
  disk)
    # What the disk's fsyncs add: tmpfs's fsync returns at once, so the
    # same build with its database there pays for everything but them.
    reps=${2:-2}; rates=("${@:3}")
    [ ${#rates[@]} -gt 0 ] || rates=(1 1.5 2)
    OUT=bench/results/disk; mkdir -p "$OUT"; rm -f "$OUT"/ladder-*.json
    export STEP_S=8
    for rate in "${rates[@]}"; do
      for rep in $(seq "$reps"); do
        run rondo 1000 "$rate" 16 "ladder-rondo-$rate-$rep"
        TMPDIR=/dev/shm run rondo 1000 "$rate" 16 "ladder-tmpfs-$rate-$rep"
      done
    done
    python3 bench/ladder.py "$OUT" ;;
  ab)
    (cd bench/bun-relay && npm ci --silent --no-audit --no-fund)
    BASE=$(realpath "$2"); reps=${3:-2}; rates=("${@:4}")
    [ ${#rates[@]} -gt 0 ] || rates=(1 1.5 2)
    OUT=bench/results/ab; mkdir -p "$OUT"; rm -f "$OUT"/ladder-*.json
    export STEP_S=8
    for rate in "${rates[@]}"; do
      for rep in $(seq "$reps"); do
        for target in bun base rondo; do run "$target" 1000 "$rate" 16 "ladder-$target-$rate-$rep"; done
      done
    done
    python3 bench/ladder.py "$OUT" ;;
  restart)
    dir=$(mktemp -d); pid=$(serve "$dir" 8401); wait_port 8401
    "$BIN/rondo-loadgen" --addr 127.0.0.1:8401 --groups 2400 --rate 0.5 --duration-s "${2:-60}" --step-s 30 \
      --source-addrs 4 --json "$OUT/restart-fill.json" | tail -2
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    events=$(python3 -c "import sqlite3;print(sqlite3.connect('$dir/rondo.db').execute('select sum(seq - first_seq + 1) from log').fetchone()[0])")
    start=$(date +%s.%N); pid=$(serve "$dir" 8401); wait_port 8401; end=$(date +%s.%N)
    ms=$(python3 -c "print(round(($end-$start)*1000))")
    stop "$pid"
    # Then offline compaction, and start-up again from the compacted log.
    bytes=$(stat -c %s "$dir/rondo.db")
    start=$(date +%s.%N); rows=$("$BIN/rondo" compact --db "$dir/rondo.db"); end=$(date +%s.%N)
    compact_ms=$(python3 -c "print(round(($end-$start)*1000))")
    compacted_bytes=$(stat -c %s "$dir/rondo.db")
    start=$(date +%s.%N); pid=$(serve "$dir" 8401); wait_port 8401; end=$(date +%s.%N)
    compacted_ms=$(python3 -c "print(round(($end-$start)*1000))")
    echo "{\"groups\":2400,\"events\":$events,\"startup_ms\":$ms,\"db_bytes\":$bytes,\"compact\":\"$rows\",\"compact_ms\":$compact_ms,\"compacted_db_bytes\":$compacted_bytes,\"startup_after_compact_ms\":$compacted_ms}" | tee "$OUT/restart.json"
    stop "$pid"; rm -rf "$dir" ;;
  failover) "$BIN/rondo-failover" --kills "${2:-20}" | tee "$OUT/failover.txt" ;;
  cluster)
    # 1 000 groups x 8 at RATE actions/s per member through HAProxy to three
    # nodes on PostgreSQL, then the same load on one node on SQLite. The
    # servers (nodes, PostgreSQL, HAProxy) share core 0; the load core 1.
    rate=${2:-1}
    pg=$(mktemp -d); chown postgres "$pg"
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    runuser -u postgres -- "$pgbin/initdb" -D "$pg/data" -A trust -U rondo --no-sync >/dev/null
    runuser -u postgres -- "${SERVER_CORE[@]}" "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w \
      -o "-p 8450 -k $pg -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c max_connections=200" start >/dev/null
    url=postgres://rondo@127.0.0.1:8450/postgres
    pids=()
    for port in 8451 8452 8453; do
      dir=$(mktemp -d)
      "${SERVER_CORE[@]}" "${RONDO:-$BIN/rondo}" serve --addr "127.0.0.1:$port" --store "$url" --internal-addr "127.0.0.1:$port" \
        --data-key "$(printf 'ab%.0s' {1..32})" --db "$dir/rondo.db" \
        --max-conns-per-ip 20000 --max-unauthenticated-per-ip 20000 --groups-per-hour-per-ip 1000000 \
        >"$dir/out" 2>"$dir/log" &
      pids+=($!)
      wait_port $port
    done
    sed -e 's/bind :80/bind 127.0.0.1:8460/' -e 's/maxconn 20000/maxconn 9000/' -e '/^    server /d' deploy/haproxy.cfg >"$pg/haproxy.cfg"
    for port in 8451 8452 8453; do echo "    server n$port 127.0.0.1:$port check inter 1s" >>"$pg/haproxy.cfg"; done
    "${SERVER_CORE[@]}" haproxy -f "$pg/haproxy.cfg" -db >/dev/null 2>&1 & hap=$!
    wait_port 8460
    "${LOAD_CORE[@]}" "$BIN/rondo-loadgen" --addr 127.0.0.1:8460 --groups 1000 --rate "$rate" --duration-s 30 \
      --step-s 30 --source-addrs 4 --json "$OUT/cluster-postgres-$rate.json" | tail -3
    commits=0
    for port in 8451 8452 8453; do
      n=$(curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^rondo_store_flush_seconds_count //p')
      commits=$((commits + n))
    done
    echo "PostgreSQL writer commits, three nodes: $commits" | tee "$OUT/cluster-commits-$rate.txt"
    kill "$hap"; for pid in "${pids[@]}"; do stop "$pid"; done
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" stop -m fast >/dev/null
    rm -rf "$pg"
    run rondo 1000 "$rate" 30 "cluster-sqlite-$rate" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
