package io.ordertimeout.testkit.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters of a deterministic batch workload ({@link OrderWorkload#generate(WorkloadSpec)}).
 * Event time is synthetic: orders are created every {@code createInterval} from {@code start}.
 * Every CREATED event carries {@code payTimeoutSeconds}, so the job's default timeout does not matter.
 */
public final class WorkloadSpec {

    private final int orderCount;
    private final Instant start;
    private final Duration payTimeout;
    private final Duration outOfOrderness;
    private final Duration jitter;
    private final Duration createInterval;
    private final Duration latePaymentMargin;
    private final Duration safetyMargin;
    private final Map<Category, Double> mix;
    private final int invalidMessages;
    private final double epochMillisFraction;
    private final int minEventsBeforeLatePayment;
    private final String orderIdPrefix;
    private final long seed;

    private WorkloadSpec(Builder builder) {
        this.orderCount = builder.orderCount;
        this.start = builder.start;
        this.payTimeout = builder.payTimeout;
        this.outOfOrderness = builder.outOfOrderness;
        this.jitter = builder.jitter != null ? builder.jitter : builder.outOfOrderness.multipliedBy(2).dividedBy(5);
        this.createInterval = builder.createInterval;
        this.latePaymentMargin = builder.latePaymentMargin != null
                ? builder.latePaymentMargin
                : builder.outOfOrderness.plusSeconds(20);
        this.safetyMargin = builder.safetyMargin;
        this.mix = Collections.unmodifiableMap(new EnumMap<>(builder.mix));
        this.invalidMessages = builder.invalidMessages;
        this.epochMillisFraction = builder.epochMillisFraction;
        this.minEventsBeforeLatePayment = builder.minEventsBeforeLatePayment;
        this.orderIdPrefix = builder.orderIdPrefix;
        this.seed = builder.seed;
        validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    private void validate() {
        require(orderCount > 0, "orderCount must be positive");
        require(!outOfOrderness.isNegative() && !outOfOrderness.isZero(), "outOfOrderness must be positive");
        require(!jitter.isNegative(), "jitter must not be negative");
        // Twice the jitter (a duplicate is re-sent up to one jitter after its original) must stay
        // below the bound, so that no event ever reaches the job behind its watermark.
        require(jitter.multipliedBy(2).compareTo(outOfOrderness) < 0, "jitter must be below outOfOrderness / 2");
        require(createInterval.toMillis() > 0, "createInterval must be at least 1 ms");
        require(payTimeout.toMillis() % 1000 == 0, "payTimeout must be whole seconds (payTimeoutSeconds)");
        require(payTimeout.getSeconds() <= EventJson.MAX_PAY_TIMEOUT_SECONDS, "payTimeout too long for the contract");
        require(latePaymentMargin.compareTo(outOfOrderness.plus(jitter).plusSeconds(1)) > 0,
                "latePaymentMargin must exceed outOfOrderness + jitter + 1 s");
        require(!safetyMargin.isNegative(), "safetyMargin must not be negative");
        require(latestInTimeDelay().compareTo(earliestFollowUpDelay().plusSeconds(1)) >= 0,
                "payTimeout " + payTimeout + " too short: in-time payments need payTimeout >= 2 x jitter + "
                        + "outOfOrderness + safetyMargin + 1.5 s");
        require(invalidMessages >= 0, "invalidMessages must not be negative");
        require(epochMillisFraction >= 0 && epochMillisFraction <= 1, "epochMillisFraction must be in [0, 1]");
        require(minEventsBeforeLatePayment >= 1, "minEventsBeforeLatePayment must be at least 1");
        require(!orderIdPrefix.isEmpty() && orderIdPrefix.length() <= 40, "orderIdPrefix must be 1..40 chars");
        double total = 0;
        for (Map.Entry<Category, Double> entry : mix.entrySet()) {
            require(entry.getKey().isMixable(), entry.getKey() + " cannot be part of a mix");
            require(entry.getValue() >= 0, "mix fraction of " + entry.getKey() + " is negative");
            total += entry.getValue();
        }
        require(total > 0, "mix must have a positive fraction");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Smallest gap between two events of one order, so that jitter never swaps them by accident
     * (only OUT_OF_ORDER orders are swapped, on purpose).
     */
    Duration earliestFollowUpDelay() {
        return jitter.plusMillis(500);
    }

    /**
     * Latest in-time payment or cancel after CREATED: its eventTime stays at or below
     * deadline − B − jitter − safetyMargin, so the watermark cannot pass the deadline first.
     */
    Duration latestInTimeDelay() {
        return payTimeout.minus(outOfOrderness).minus(jitter).minus(safetyMargin);
    }

    public int orderCount() {
        return orderCount;
    }

    public Instant start() {
        return start;
    }

    public Duration payTimeout() {
        return payTimeout;
    }

    public Duration outOfOrderness() {
        return outOfOrderness;
    }

    public Duration jitter() {
        return jitter;
    }

    public Duration createInterval() {
        return createInterval;
    }

    public Duration latePaymentMargin() {
        return latePaymentMargin;
    }

    public Duration safetyMargin() {
        return safetyMargin;
    }

    /** The requested fractions (not necessarily summing to 1; they are normalised). */
    public Map<Category, Double> mix() {
        return mix;
    }

    public int invalidMessages() {
        return invalidMessages;
    }

    public double epochMillisFraction() {
        return epochMillisFraction;
    }

    public int minEventsBeforeLatePayment() {
        return minEventsBeforeLatePayment;
    }

    public String orderIdPrefix() {
        return orderIdPrefix;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "WorkloadSpec{orders=" + orderCount + ", start=" + start + ", payTimeout=" + payTimeout
                + ", outOfOrderness=" + outOfOrderness + ", jitter=" + jitter + ", createInterval=" + createInterval
                + ", latePaymentMargin=" + latePaymentMargin + ", mix=" + mix + ", invalid=" + invalidMessages
                + ", seed=" + seed + "}";
    }

    public static final class Builder {
        private int orderCount = 10_000;
        private Instant start = Instant.parse("2026-01-01T00:00:00Z");
        private Duration payTimeout = Duration.ofSeconds(60);
        private Duration outOfOrderness = Duration.ofSeconds(5);
        private Duration jitter;
        private Duration createInterval = Duration.ofMillis(100);
        private Duration latePaymentMargin;
        private Duration safetyMargin = Duration.ofSeconds(2);
        private final Map<Category, Double> mix = defaultMix();
        private int invalidMessages = 14;
        private double epochMillisFraction = 0.5;
        private int minEventsBeforeLatePayment = 100;
        private String orderIdPrefix = "o-";
        private long seed = 42;

        private Builder() {}

        static Map<Category, Double> defaultMix() {
            Map<Category, Double> mix = new EnumMap<>(Category.class);
            mix.put(Category.PAID_IN_TIME, 0.55);
            mix.put(Category.NEVER_PAID, 0.15);
            mix.put(Category.PAID_LATE, 0.08);
            mix.put(Category.CANCELLED, 0.08);
            mix.put(Category.CANCELLED_THEN_PAID, 0.04);
            mix.put(Category.CANCELLED_THEN_PAID_SOON, 0.03);
            mix.put(Category.PAID_THEN_CANCELLED_SOON, 0.03);
            mix.put(Category.DUPLICATED, 0.06);
            mix.put(Category.OUT_OF_ORDER, 0.04);
            return mix;
        }

        /** Orders of the mix; FILLER orders come on top. Default 10,000. */
        public Builder orderCount(int orderCount) {
            this.orderCount = orderCount;
            return this;
        }

        /**
         * Event time of the first CREATED. Default 2026-01-01T00:00:00Z. Against a real job put it
         * in the past, e.g. {@code now − (orderCount × createInterval + payTimeout + 1 h)}: when the
         * stream goes quiet the job's idle watermark follows the wall clock and closes the rest.
         */
        public Builder start(Instant start) {
            this.start = Objects.requireNonNull(start);
            return this;
        }

        /** Payment window, whole seconds, written into every CREATED. Default 60 s. */
        public Builder payTimeout(Duration payTimeout) {
            this.payTimeout = Objects.requireNonNull(payTimeout);
            return this;
        }

        /** The job's out-of-orderness bound B. Default 5 s (the job's default). */
        public Builder outOfOrderness(Duration outOfOrderness) {
            this.outOfOrderness = Objects.requireNonNull(outOfOrderness);
            return this;
        }

        /** Largest emission delay behind event time; below B / 2. Default 0.4 × B. */
        public Builder jitter(Duration jitter) {
            this.jitter = Objects.requireNonNull(jitter);
            return this;
        }

        /** Event time between two CREATED events (sets the stream's density). Default 100 ms. */
        public Builder createInterval(Duration createInterval) {
            this.createInterval = Objects.requireNonNull(createInterval);
            return this;
        }

        /** A late payment's eventTime is at least deadline + this. Default B + 20 s. */
        public Builder latePaymentMargin(Duration latePaymentMargin) {
            this.latePaymentMargin = Objects.requireNonNull(latePaymentMargin);
            return this;
        }

        /** Extra distance kept between in-time events and the watermark reaching the deadline. Default 2 s. */
        public Builder safetyMargin(Duration safetyMargin) {
            this.safetyMargin = Objects.requireNonNull(safetyMargin);
            return this;
        }

        /** Sets one category's fraction (the others keep theirs; fractions are normalised). */
        public Builder fraction(Category category, double fraction) {
            mix.put(category, fraction);
            return this;
        }

        /** Replaces the whole mix. */
        public Builder mix(Map<Category, Double> fractions) {
            mix.clear();
            mix.putAll(fractions);
            return this;
        }

        /** Messages the job must dead-letter, cycling through {@link InvalidMessageKind}. Default 14. */
        public Builder invalidMessages(int invalidMessages) {
            this.invalidMessages = invalidMessages;
            return this;
        }

        /** Share of events whose occurredAt is epoch millis rather than ISO-8601. Default 0.5. */
        public Builder epochMillisFraction(double epochMillisFraction) {
            this.epochMillisFraction = epochMillisFraction;
            return this;
        }

        /**
         * Each late payment must follow at least this many valid events whose eventTime is
         * ≥ its deadline + B + 1 s. More than one, because the job emits watermarks periodically
         * and may read several queues at different speeds. Default 100.
         */
        public Builder minEventsBeforeLatePayment(int minEventsBeforeLatePayment) {
            this.minEventsBeforeLatePayment = minEventsBeforeLatePayment;
            return this;
        }

        /** Prefix of every orderId, so workloads can share a database. Default "o-". */
        public Builder orderIdPrefix(String orderIdPrefix) {
            this.orderIdPrefix = Objects.requireNonNull(orderIdPrefix);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public WorkloadSpec build() {
            return new WorkloadSpec(this);
        }
    }
}
