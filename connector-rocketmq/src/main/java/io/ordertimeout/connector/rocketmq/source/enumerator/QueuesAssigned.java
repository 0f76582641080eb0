package io.ordertimeout.connector.rocketmq.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Enumerator → reader: every queue known so far has been assigned, so a reader that still has none
 * owns none and may declare itself idle. Before this, a reader without queues may just not have
 * received them yet, and declaring it idle would let the other readers' watermarks pass events
 * still unread in its coming queues.
 */
@Internal
public final class QueuesAssigned implements SourceEvent {

    private static final long serialVersionUID = 1L;
}
