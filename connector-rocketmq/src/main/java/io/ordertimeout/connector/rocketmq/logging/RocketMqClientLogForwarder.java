package io.ordertimeout.connector.rocketmq.logging;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.logging.ch.qos.logback.classic.Level;
import org.apache.rocketmq.logging.ch.qos.logback.classic.spi.ILoggingEvent;
import org.apache.rocketmq.logging.ch.qos.logback.classic.spi.IThrowableProxy;
import org.apache.rocketmq.logging.ch.qos.logback.classic.spi.ThrowableProxy;
import org.apache.rocketmq.logging.ch.qos.logback.core.AppenderBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appender of the logback copy shaded inside rocketmq-client that hands every event to SLF4J under
 * the same logger name, so client logs land in Flink's log instead of
 * {@code ~/logs/rocketmqlogs/rocketmq_client.log} and the console.
 *
 * <p>rocketmq-client 5.x logs through its own shaded SLF4J + logback and offers no bridge in this
 * direction (its "shaded-slf4j-api-bridge" goes the other way). The shaded logback looks for
 * {@code rmq.logback.xml} before its built-in {@code rmq.client.logback.xml}; this module ships one
 * that uses this appender. Set {@code -Drocketmq.log.level} to change what is forwarded (default
 * INFO) and filter further in the Flink log configuration ({@code org.apache.rocketmq.*}).
 */
@Internal
public final class RocketMqClientLogForwarder extends AppenderBase<ILoggingEvent> {

    static final String LITE_PULL_CONSUMER = "org.apache.rocketmq.client.impl.consumer.DefaultLitePullConsumerImpl";
    static final String FAILED_PULL = "An error occurred in pull message process.";
    static final String CLIENT_INSTANCE = "org.apache.rocketmq.client.impl.factory.MQClientInstance";
    static final String FAILED_ROUTE_UPDATE = "updateTopicRouteInfoFromNameServer Exception";

    @Override
    protected void append(ILoggingEvent event) {
        Logger logger = LoggerFactory.getLogger(event.getLoggerName());
        Throwable error = throwableOf(event.getThrowableProxy());
        String message = event.getFormattedMessage();
        int level = levelFor(event.getLoggerName(), event.getLevel().toInt(), event.getMessage());
        if (level >= Level.ERROR_INT) {
            logger.error(message, error);
        } else if (level >= Level.WARN_INT) {
            logger.warn(message, error);
        } else if (level >= Level.INFO_INT) {
            logger.info(message, error);
        } else if (level >= Level.DEBUG_INT) {
            logger.debug(message, error);
        } else {
            logger.trace(message, error);
        }
    }

    /**
     * The event's level, except that two failures the client retries by itself are warnings:
     * <ul>
     *   <li>a failed pull of the lite pull consumer: shutting a consumer down aborts its in-flight
     *       long polls (the broker holds them up to 20 s, a limit the lite pull consumer does not
     *       let us lower), so every stop and cancel of a job logged them as errors (issue 9);
     *   <li>a failed route update: the client refreshes routes every 30 s and keeps the ones it
     *       has; {@code MQClientInstance.shutdown()} closes its connections without waiting for an
     *       update in flight (seen once at a stop under heavy load).
     * </ul>
     * An outage still shows, as warnings, and in the source's lag and liveness.
     */
    static int levelFor(String loggerName, int level, String message) {
        if (level >= Level.ERROR_INT
                && (LITE_PULL_CONSUMER.equals(loggerName) && FAILED_PULL.equals(message)
                        || CLIENT_INSTANCE.equals(loggerName) && FAILED_ROUTE_UPDATE.equals(message))) {
            return Level.WARN_INT;
        }
        return level;
    }

    private static Throwable throwableOf(IThrowableProxy proxy) {
        return proxy instanceof ThrowableProxy throwableProxy ? throwableProxy.getThrowable() : null;
    }
}
