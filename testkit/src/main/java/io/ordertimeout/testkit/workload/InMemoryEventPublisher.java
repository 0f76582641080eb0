package io.ordertimeout.testkit.workload;

import java.util.ArrayList;
import java.util.List;

/** Keeps every published message in memory, in publish order; for tests without a broker. Thread-safe. */
public final class InMemoryEventPublisher implements EventPublisher {

    /** One published message. */
    public record Published(String key, String tag, byte[] json) {}

    private final List<Published> messages = new ArrayList<>();

    @Override
    public synchronized void publish(String key, String tag, byte[] json) {
        messages.add(new Published(key, tag, json.clone()));
    }

    public synchronized List<Published> messages() {
        return List.copyOf(messages);
    }

    public synchronized int size() {
        return messages.size();
    }
}
