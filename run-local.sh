#!/usr/bin/env bash
# The whole order-timeout system on this machine: RocketMQ, PostgreSQL, the job on a local Flink
# cluster (web UI on http://localhost:8081) and live orders; PASS/FAIL at the end.
# Needs only Java 17 and access to Maven Central. ./run-local.sh --help lists the flags.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v java >/dev/null 2>&1; then
  echo "run-local: java not found; install a Java 17 JDK" >&2
  exit 2
fi

# Build the job, the testkit and the runner from source (no install into ~/.m2). The local
# module writes its runtime class path (the modules' target/ jars and the Maven repository's)
# to local/target/runtime.classpath.
skip_build="${RUN_LOCAL_SKIP_BUILD:-false}"
if [[ " $* " == *" --help "* && -f local/target/runtime.classpath ]]; then
  skip_build=true
fi
if [[ "$skip_build" != "true" ]]; then
  echo "Building (./mvnw -q -B -pl local -am -DskipTests package) ..."
  ./mvnw -q -B -pl local -am -DskipTests package
fi
classpath="local/target/order-timeout-local-0.1.0-SNAPSHOT.jar:$(cat local/target/runtime.classpath)"

work_dir=.local-run
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --work-dir) work_dir="${args[i+1]:-$work_dir}" ;;
    --work-dir=*) work_dir="${args[i]#--work-dir=}" ;;
  esac
done
mkdir -p "$work_dir"

# Flink and RocksDB reflect into these JDK packages on Java 17 (the same list the tests use).
java_opts=(
  -Xmx1g
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.math=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.sql/java.sql=ALL-UNNAMED
  -Dlog4j2.configurationFile=log4j2-local-run.properties
  -Dlog4j2.statusLoggerLevel=ERROR
  "-Dorder-timeout.local.log-file=$work_dir/local-run.log"
)
command=(java "${java_opts[@]}" -cp "$classpath" io.ordertimeout.local.LocalRunner "$@")

# In its own process group (job control on), so that Ctrl-C in this terminal reaches only the
# runner (forwarded below), which then winds down in order, instead of also killing the broker
# and database processes under it. Job control also keeps SIGINT from being ignored in the
# background process, which a plain `&` in a script would do.
set -m
"${command[@]}" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null || true' INT
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM HUP
status=0
while kill -0 "$pid" 2>/dev/null; do
  if wait "$pid"; then status=0; else status=$?; fi
done
exit "$status"
