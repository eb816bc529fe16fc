# scripts/lib.sh: what the scripts that run symscore servers share. Source it from the
# repository's root with prog set to the script's name. It checks bin/symscore, makes $dir
# (removed at exit, once every server serve_config started is stopped) and defines
# pick_port and serve_config.
bin=bin/symscore
[ -x "$bin" ] || { echo "$prog: build $bin first (make build)" >&2; exit 2; }
dir=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# pick_port prints a free loopback TCP port.
pick_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# serve_config <name> <admin port>: starts a server on $dir/<name>.yaml, its log in
# $dir/<name>.log, and waits (15 s at most) until its /readyz says it is ready.
serve_config() {
	"$bin" serve --config "$dir/$1.yaml" 2>"$dir/$1.log" &
	pids="$pids $!"
	i=0
	until curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 150 ] || { echo "$prog: $1 not ready:" >&2; cat "$dir/$1.log" >&2; exit 1; }
		sleep 0.1
	done
}
