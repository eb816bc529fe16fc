#!/bin/sh
# make cluster-demo: two symscore nodes sharing every project through NATS JetStream, on
# free loopback ports and a temporary directory. Node 1 runs the bus in its process
# (cluster.embedded_nats); node 2 points cluster.nats_url at it. The client commands
# learn iris on node 1 and build an LDA model there, then predict the same rows on both
# nodes: the predictions are the same, byte for byte. Stops both nodes and removes the
# directory; exits non-zero when a step fails.
set -eu
cd "$(dirname "$0")/.."
prog=cluster-demo
. scripts/lib.sh
secret=$("$bin" keygen)
bus=$(pick_port)

# node <n> <cluster lines>: writes node n's configuration and starts it.
node() {
	n=$1; shift
	port=$(pick_port); admin=$(pick_port)
	eval "port$n=$port admin$n=$admin"
	cat > "$dir/node$n.yaml" <<YAML
listen: "127.0.0.1:$port"
admin_listen: "127.0.0.1:$admin"
data_dir: "$dir/node$n"
customers:
  - id: demo
    secrets: ["$secret"]
log: {level: warn, format: text}
cluster:
  node_id: node$n
$*
YAML
	serve_config "node$n" "$admin"
	echo "node $n ready: http://127.0.0.1:$port (admin 127.0.0.1:$admin)"
}

echo "== node 1 runs the bus (embedded NATS with JetStream on 127.0.0.1:$bus)"
node 1 "  embedded_nats: true
  embedded_listen: \"127.0.0.1:$bus\""
echo "== node 2 joins it"
node 2 "  nats_url: \"nats://127.0.0.1:$bus\""

on() { n=$1; shift; eval "p=\$port$n"; "$bin" "$@" --url "http://127.0.0.1:$p" --cid demo --secret "$secret"; }
echo
echo "== on node 1: create a project, learn iris, build an LDA model"
on 1 project create iris
on 1 learn --project iris clients/testdata/iris.csv
on 1 build --project iris --algo lda --model m1 \
	--inputs sepal_length,sepal_width,petal_length,petal_width --target Iris_virginica
echo
echo "== on node 2: the project, learned and built elsewhere"
i=0 # node 2 has it within the replication lag (milliseconds)
until on 2 model info --project iris --model m1 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || { echo "cluster-demo: node 2 does not have the model" >&2; exit 1; }
	sleep 0.1
done
on 2 project info iris
echo
head -1 clients/testdata/iris.csv > "$dir/sample.csv"
sed -n '2p;52p;102p;151p' clients/testdata/iris.csv >> "$dir/sample.csv"
on 1 predict --project iris --model m1 "$dir/sample.csv" > "$dir/pred1.csv"
on 2 predict --project iris --model m1 "$dir/sample.csv" > "$dir/pred2.csv"
echo "== predictions on node 1"
cat "$dir/pred1.csv"
echo "== predictions on node 2"
cat "$dir/pred2.csv"
if cmp -s "$dir/pred1.csv" "$dir/pred2.csv"; then
	echo "== the two nodes agree, byte for byte"
else
	echo "cluster-demo: the nodes disagree" >&2
	exit 1
fi
