package io.ordertimeout.classloading;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deregisters the JDBC drivers the job's class loader defined. A driver registers itself with
 * {@link DriverManager} (a JDK class, alive as long as the TaskManager) when its class is
 * initialised; without this the registration keeps the driver's class, and through it the job's
 * whole class loader, alive after the job ended: one more per submission (issue 9 found four
 * drivers, PostgreSQL and MariaDB from each of two jobs).
 */
final class JdbcDriverDeregistration implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDriverDeregistration.class);

    private final ClassLoader jobClasses;

    JdbcDriverDeregistration(ClassLoader jobClasses) {
        this.jobClasses = jobClasses;
    }

    @Override
    public void run() {
        // getDrivers() lists the drivers visible to the caller, which is this job's class.
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() != jobClasses) {
                continue;
            }
            try {
                DriverManager.deregisterDriver(driver);
                LOG.info("Deregistered JDBC driver {} of the ended job", driver.getClass().getName());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Cannot deregister JDBC driver {}: {}", driver.getClass().getName(), e.toString());
            }
        }
    }
}
