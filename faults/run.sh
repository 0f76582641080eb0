#!/usr/bin/env bash
# The fault campaign (DESIGN.md §9): builds the job's fat jar and the harness if needed (reactor
# build, no install), then runs the live shop against a real Flink cluster, broker and database
# while it injects faults, and judges the database row by row at the end.
#   faults/run.sh [--faults N] [--minutes M] [--db postgres|mariadb] [--rate ORDERS_PER_S] [--seed S]
# Results: faults/results/<date>-<n>faults.md; exit code 0 only if nothing was lost or doubled and
# closes flowed again after every fault.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl faults -am package -DskipTests
JOB_JAR="$PWD/$(ls job/target/order-timeout-job-*-flink.jar | head -1)"
exec java -Xmx512m \
  -Dlog4j.configurationFile=log4j2-campaign.properties \
  -Dorder-timeout.job-jar="$JOB_JAR" \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "faults/target/classes:$(cat faults/target/campaign.classpath)" \
  io.ordertimeout.faults.campaign.FaultCampaignMain "$@"
