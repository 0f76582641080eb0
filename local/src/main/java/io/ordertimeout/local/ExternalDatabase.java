package io.ordertimeout.local;

import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import java.util.Objects;

/**
 * A database the local run does not start: the schema of {@code sql/} must be applied. The job
 * logs in as {@code jobUser}; the simulated shop (inserting orders, marking them paid or
 * cancelled, and reading the tables for the final check) as {@code shopUser}, because the job's
 * least-privilege login may not insert orders.
 */
record ExternalDatabase(String jdbcUrl, String jobUser, String jobPassword, String shopUser, String shopPassword) {

    ExternalDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jobUser, "jobUser");
        Objects.requireNonNull(shopUser, "shopUser");
    }

    JdbcConnectionFactory shopConnections() {
        return JdbcConnectionFactory.of(jdbcUrl, shopUser, shopPassword);
    }

    /** Never prints the passwords. */
    @Override
    public String toString() {
        return jdbcUrl + " (job login " + jobUser + ", shop login " + shopUser + ")";
    }
}
