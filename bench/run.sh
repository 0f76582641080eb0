#!/usr/bin/env bash
# Builds the harness (reactor build, no install) and runs one benchmark size.
#   bench/run.sh --size quick|full|smoke [--only operator,e2e,storm,live,state,scale] [--queues N]
#     [--parallelism N] [--flink key=value ...] [--pending N,N,...]
# Results: bench/results/<date>-<size>.md and PNG charts next to it.
# BENCH_JAVA_OPTS adds JVM flags, e.g. a flight recording of the run:
#   BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/e2e.jfr,settings=profile" bench/run.sh --only e2e
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Xmx3g -Djava.awt.headless=true ${BENCH_JAVA_OPTS:-} \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
  --add-opens=java.base/java.math=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED \
  --add-opens=java.sql/java.sql=ALL-UNNAMED \
  -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
  io.ordertimeout.bench.BenchMain "$@"
