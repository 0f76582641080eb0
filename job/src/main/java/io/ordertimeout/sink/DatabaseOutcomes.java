package io.ordertimeout.sink;

import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the database did, for the outputs downstream of it (DESIGN.md §6: a downstream event never
 * announces a close or refund the database did not apply).
 *
 * @param closes every close after its commit, with its outcome (APPLIED or NOT_PENDING)
 * @param writtenRefunds refunds whose row exists after the commit
 * @param deadLetters every dead letter of the job: the parser's and the records the database rejected
 */
public record DatabaseOutcomes(
        DataStream<CloseResult> closes, DataStream<RefundRequest> writtenRefunds, DataStream<DeadLetter> deadLetters) {}
