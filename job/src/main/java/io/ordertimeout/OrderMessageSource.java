package io.ordertimeout;

import io.ordertimeout.event.OrderMessage;
import java.io.Serializable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the job's order messages come from. Production uses RocketMQ; tests plug in Flink's own
 * bounded sources. The source must apply the given strategy (per split where it has splits).
 */
@FunctionalInterface
public interface OrderMessageSource extends Serializable {

    DataStream<OrderMessage> create(StreamExecutionEnvironment env, WatermarkStrategy<OrderMessage> watermarks);
}
