#!/bin/sh
# scripts/cluster-bench.sh: a single node next to a cluster node, as processes on free
# loopback ports, measured with `symscore bench` in alternating rounds:
#   single   symscore serve, its local write-ahead log
#   cluster  the second node of a cluster whose bus is the first node's embedded NATS
#            (the measured process holds a bus connection only, as in production)
# Every server runs with durability always (the embedded bus then fsyncs every message).
# Per round: predict, 1 connection, one row per message (latency); learn, 1 connection,
# --rows 1 and 100 per message (acknowledgement latency and rows/s). Prints every round
# and the medians with the cluster/single ratios. ROUNDS (default 5) and DURATION (default
# 3s) set the size. Needs bin/symscore (make build) and python3.
set -eu
cd "$(dirname "$0")/.."
prog=cluster-bench
. scripts/lib.sh
rounds=${ROUNDS:-5}
duration=${DURATION:-3s}
secret="A1ciUrDJgm5LIJU710bxeQ=="
bus=$(pick_port)

# serve <name> <cluster section>: starts a server, waits until it is ready, sets port_<name>.
serve() {
	name=$1; port=$(pick_port); admin=$(pick_port)
	eval "port_$name=$port"
	cat > "$dir/$name.yaml" <<YAML
listen: "127.0.0.1:$port"
admin_listen: "127.0.0.1:$admin"
data_dir: "$dir/$name"
customers:
  - id: c1
    secrets: ["$secret"]
log: {level: error}
$2
YAML
	serve_config "$name" "$admin"
}
serve single ""
serve bus "cluster: {embedded_nats: true, embedded_listen: \"127.0.0.1:$bus\", node_id: bus}"
serve cluster "cluster: {nats_url: \"nats://127.0.0.1:$bus\", node_id: cluster}"

bench() { # bench <node> <mode> <rows> <project>
	eval "p=\$port_$1"
	"$bin" bench --mode "$2" --rows "$3" --project "$4" --cid c1 --secret "$secret" --json \
		--url "ws://127.0.0.1:$p/symetry/ws/$2" --duration "$duration" --warmup 500ms $5
}
for node in single cluster; do # set up each node's projects: predict's model, learn's projects
	bench $node predict 1 bench --setup >/dev/null
	bench $node learn 1 learn1 --setup >/dev/null
	bench $node learn 100 learn100 --setup >/dev/null
done
: > "$dir/results"
for r in $(seq "$rounds"); do
	for node in single cluster; do
		for what in "predict 1 bench" "learn 1 learn1" "learn 100 learn100"; do
			set -- $what
			printf '%s %s %s %s ' "$r" "$node" "$1" "$2" >> "$dir/results"
			bench $node $what "" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["p50_ns"], d["p99_ns"], round(d["rows_per_sec"]))' >> "$dir/results"
		done
	done
done
python3 - "$dir/results" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
print("round node    mode    rows   p50      p99      rows/s")
for r in rows:
    print("%-5s %-7s %-7s %-5s %6.1fµs %7.1fµs %9s" % (r[0], r[1], r[2], r[3], int(r[4])/1e3, int(r[5])/1e3, r[6]))
print()
print("medians of %d rounds      single                      cluster                     cluster/single" % (len(rows)//6))
for mode, n in (("predict", "1"), ("learn", "1"), ("learn", "100")):
    m = {}
    for node in ("single", "cluster"):
        sel = [r for r in rows if r[1] == node and r[2] == mode and r[3] == n]
        m[node] = [statistics.median(int(r[i]) for r in sel) for i in (4, 5, 6)]
    s, c = m["single"], m["cluster"]
    print("%-7s %3s rows  p50 %7.1fµs p99 %7.1fµs %8d/s  p50 %7.1fµs p99 %7.1fµs %8d/s  p50 %.2f× p99 %.2f× rows/s %.2f×" % (
        mode, n, s[0]/1e3, s[1]/1e3, s[2], c[0]/1e3, c[1]/1e3, c[2], c[0]/s[0], c[1]/s[1], c[2]/s[2]))
PY
