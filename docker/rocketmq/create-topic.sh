#!/usr/bin/env bash
# Creates (or updates) $TOPIC with $QUEUES read and write queues on every master of $CLUSTER,
# retrying until the broker has registered with the name server. mqadmin exits 0 even when the
# command failed, so success is read from its output.
set -uo pipefail

: "${NAMESRV_ADDR:?}" "${CLUSTER:?}" "${TOPIC:?}" "${QUEUES:?}"
mqadmin="${ROCKETMQ_HOME}/bin/mqadmin"
deadline=$((SECONDS + 180))

until output=$("$mqadmin" updateTopic -n "$NAMESRV_ADDR" -c "$CLUSTER" -t "$TOPIC" -r "$QUEUES" -w "$QUEUES" 2>&1) \
        && grep -q "create topic to .* success" <<<"$output"; do
    if ((SECONDS >= deadline)); then
        echo "Could not create topic $TOPIC on cluster $CLUSTER via $NAMESRV_ADDR:" >&2
        echo "$output" >&2
        exit 1
    fi
    sleep 3
done
echo "$output"
echo "Topic $TOPIC ready with $QUEUES queues."
