package io.ordertimeout.bench;

import io.ordertimeout.testkit.workload.EventPublisher;

/** One design that closes unpaid orders, run against the shared broker and database. */
interface Contender extends AutoCloseable {

    String name();

    /** Starts closing; returns when the contender is ready for orders. */
    void start() throws Exception;

    /**
     * What the order service publishes through while this contender runs. A contender that acts
     * when an order is created (a delay message) hooks in here, as it would in the order service.
     */
    default EventPublisher orderServicePublisher(EventPublisher events) {
        return events;
    }

    @Override
    void close() throws Exception;
}
