package io.ordertimeout.connector.rocketmq.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The formatted lines one logger writes while open. For tests that must wait for something the
 * job does inside the MiniCluster (same JVM) and reports only in its log, such as the enumerator
 * receiving a reader's event.
 */
final class CapturedLogLines implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerConfig loggerConfig;
    private final AbstractAppender appender;
    private final String loggerName;

    CapturedLogLines(Class<?> loggerClass) {
        this.loggerName = loggerClass.getName();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        this.loggerConfig = context.getConfiguration().getLoggerConfig(loggerName);
        this.appender = new AbstractAppender("captured-" + loggerClass.getSimpleName(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals(loggerName)) {
                    lines.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        loggerConfig.addAppender(appender, null, null);
        context.updateLoggers();
    }

    /** Whether a captured line contains all of the given parts. */
    boolean anyLineContains(String... parts) {
        return lines.stream().anyMatch(line -> java.util.Arrays.stream(parts).allMatch(line::contains));
    }

    @Override
    public void close() {
        loggerConfig.removeAppender(appender.getName());
        appender.stop();
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
    }
}
