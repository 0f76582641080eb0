#!/usr/bin/env bash
# Runs once, on the first start of the MySQL container (docker-entrypoint-initdb.d, after
# 01-schema.sql): applies sql/mysql/grants.sql with its password placeholder replaced by
# $ORDER_TIMEOUT_JDBC_PASSWORD, the same variable the job reads. The password never lands in a
# file or on a command line.
#
# The image's entrypoint sources *.sh files that are not executable, so the work runs in a
# subshell: its shell options and exits stay out of the entrypoint's own shell.

create_job_user() (
    set -euo pipefail
    local grants_template=/order-timeout-sql/grants.sql
    local placeholder='${ORDER_TIMEOUT_JDBC_PASSWORD}'
    local password="${ORDER_TIMEOUT_JDBC_PASSWORD:?ORDER_TIMEOUT_JDBC_PASSWORD is not set}"

    # The value goes into an SQL string literal; refuse what would need escaping.
    if [[ "$password" == *"'"* || "$password" == *\\* ]]; then
        echo "ORDER_TIMEOUT_JDBC_PASSWORD must not contain ' or \\" >&2
        exit 1
    fi

    local grants
    grants=$(<"$grants_template")
    if [[ "$grants" != *"$placeholder"* ]]; then
        echo "$grants_template has no $placeholder placeholder; refusing to guess the password." >&2
        exit 1
    fi

    echo "Creating the order_timeout_job login from $grants_template"
    MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot "$MYSQL_DATABASE" \
        <<<"${grants//"$placeholder"/"$password"}"
)

create_job_user
