package io.ordertimeout.testkit.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a Flink distribution gives its processes: the class path of {@code lib/} (built by the
 * {@code testkit-flink-dist} module from Maven artifacts, since flink-dist is not on Maven Central)
 * and the JVM options {@code bin/config.sh} adds on Java 17.
 */
final class FlinkDistribution {

    private static final String CLASSPATH_RESOURCE = "order-timeout-testkit/flink-dist.classpath";

    /** {@code env.java.opts.all} of flink-dist's default config.yaml: what Flink needs opened on Java 17. */
    static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** A log4j2 configuration like flink-dist's conf/log4j.properties: one file per process, {@code log.file}. */
    static final String LOG4J_PROPERTIES = String.join("\n",
            "monitorInterval = 0",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "logger.zookeeper.name = org.apache.zookeeper",
            "logger.zookeeper.level = WARN",
            "logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3",
            "logger.shaded_zookeeper.level = WARN",
            "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
            "logger.netty.level = OFF",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "");

    private FlinkDistribution() {}

    static String classPath() {
        try (InputStream in = FlinkDistribution.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + CLASSPATH_RESOURCE + " not found: it is generated when"
                        + " the testkit-flink-dist module is built (maven-dependency-plugin build-classpath)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CLASSPATH_RESOURCE, e);
        }
    }
}
