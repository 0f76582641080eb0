#!/usr/bin/env bash
# Submits the order-timeout job to the session cluster, detached. Arguments are passed to
# `flink run` before the jar (the -D order-timeout.* settings of docker-compose.yml).
#
# Environment:
#   FLINK_REST       host:port of the JobManager's REST endpoint (required)
#   JOB_JAR          path of the job's fat jar (required)
#   FROM_SAVEPOINT   optional: start from this savepoint (flink run -s)
#   PARALLELISM      optional: job parallelism (flink run -p); default parallelism.default
#
# Refuses to submit while any job is running on the cluster: two copies of the job would share
# one consumer group and close every order twice. Stop the running one first (README.md).
set -euo pipefail

: "${FLINK_REST:?FLINK_REST must be host:port of the JobManager}"
: "${JOB_JAR:?JOB_JAR must be the path of the job jar}"

if [[ ! -f "$JOB_JAR" ]]; then
    echo "Job jar $JOB_JAR not found: build it first (see docker/README.md)." >&2
    exit 1
fi

running=$(flink list -r -m "$FLINK_REST" 2>/dev/null | grep -E ' : [0-9a-f]{32} : ' || true)
if [[ -n "$running" ]]; then
    echo "Not submitting: a job is already running:"
    echo "$running"
    exit 0
fi

run_args=(run -d -m "$FLINK_REST")
if [[ -n "${PARALLELISM:-}" ]]; then
    run_args+=(-p "$PARALLELISM")
fi
if [[ -n "${FROM_SAVEPOINT:-}" ]]; then
    run_args+=(-s "$FROM_SAVEPOINT")
fi

echo "Submitting: flink ${run_args[*]} $* $JOB_JAR"
exec flink "${run_args[@]}" "$@" "$JOB_JAR"
