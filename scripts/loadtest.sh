#!/bin/sh
# make loadtest: starts a throwaway symscore (bin/symscore, echo endpoint on, a test
# customer, durability always) on free loopback ports, then measures with `symscore bench`,
# next to the WebSocket and TCP echo floors measured in the same run:
#   1. predict, 1 connection (LDA model, one row per message): latency percentiles
#   2. predict, 64 connections: throughput
#   3. learn, 1 connection, 1000-row frames: rows/s
#   4. 10 000 idle connections: server memory per connection
#   5. 5 000 connections that each handled one signed predict, and 5 000 subscriber
#      connections with 10 subscriptions each, each set on a restarted server: server
#      memory per connection
# Each step is bounded; the whole run takes about a minute. Prints the tables; exits non-zero
# when a step fails.
set -eu
cd "$(dirname "$0")/.."
bin=bin/symscore
[ -x "$bin" ] || { echo "loadtest: build $bin first (make build)" >&2; exit 2; }
dir=$(mktemp -d)
secret="A1ciUrDJgm5LIJU710bxeQ=="
pick_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(pick_port)
admin=$(pick_port)
cat > "$dir/symscore.yaml" <<YAML
listen: "127.0.0.1:$port"
admin_listen: "127.0.0.1:$admin"
data_dir: "$dir/data"
customers:
  - id: c1
    secrets: ["$secret"]
testing: {echo_endpoint: true}
log: {level: warn}
YAML
pid=
start_server() {
	"$bin" serve --config "$dir/symscore.yaml" &
	pid=$!
	i=0
	until curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "loadtest: server not ready" >&2; exit 1; }
		sleep 0.1
	done
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
cleanup() { stop_server; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
start_server
url="ws://127.0.0.1:$port/symetry/ws"
common="--cid c1 --secret $secret --warmup 500ms"
echo "== predict, 1 connection, floors in the same run"
timeout 30 "$bin" bench --mode predict --setup $common --url "$url/predict" --duration 2s --rounds 3 --floors
echo
echo "== predict, 64 connections, floors in the same run"
timeout 30 "$bin" bench --mode predict $common --url "$url/predict" --connections 64 --duration 2s --rounds 3 --floors
echo
echo "== learn, 1 connection, 1000-row frames of 15 columns"
timeout 10 "$bin" bench --mode learn $common --url "$url/learn" --rows 1000 --duration 3s
echo
echo "== 10 000 idle connections"
timeout 30 "$bin" bench idle --pid "$pid" --connections 10000 --url "$url/echo"
echo
echo "== 5 000 connections after one signed predict each (a restarted server: no memory of the idle ones to reuse)"
stop_server
# Every connection sends the same signed predict: replays of reads allowed from here on.
printf 'auth: {replay_predict: false}\n' >> "$dir/symscore.yaml"
start_server
timeout 30 "$bin" bench idle --pid "$pid" --connections 5000 --url "$url/predict" --send --cid c1 --secret "$secret"
echo
echo "== 5 000 subscriber connections, 10 subscriptions each (a restarted server)"
stop_server
start_server
names="sepal_length,sepal_width,petal_length,petal_width,Iris_setosa,Iris_versicolor,Iris_virginica,species\$setosa,species\$versicolor,\$project"
SYMSCORE_URL="http://127.0.0.1:$port" SYMSCORE_CID=c1 SYMSCORE_SECRET=$secret "$bin" project create watched >/dev/null
SYMSCORE_URL="http://127.0.0.1:$port" SYMSCORE_CID=c1 SYMSCORE_SECRET=$secret "$bin" learn --quiet --project watched clients/testdata/iris.csv >/dev/null
timeout 30 "$bin" bench idle --pid "$pid" --connections 5000 --url "$url/subscribe" --cid c1 --secret "$secret" --project watched --subscribe "$names"
