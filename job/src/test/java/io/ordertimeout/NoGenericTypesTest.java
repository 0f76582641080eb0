package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.testing.ListOrderSource;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Kryo is nowhere on the job's record path: with generic types disabled
 * ({@code pipeline.generic-types: false}, what {@code ExecutionConfig#disableGenericTypes} sets),
 * Flink refuses to make a serializer for a type it would hand to Kryo, and building the stream
 * graph makes the serializer of every operator's input and output. Kryo would cost a generic,
 * reflective copy or serialization per record (and block POJO schema evolution). The keyed state
 * type is checked by {@code core.FlinkTypesTest}.
 */
class NoGenericTypesTest {

    private static StreamExecutionEnvironment withoutGenericTypes() {
        Configuration base = new Configuration();
        base.set(OrderTimeoutOptions.JDBC_URL, "jdbc:postgresql://localhost:5432/orders");
        base.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(base);
    }

    @Test
    void theWholeJobBuildsWithGenericTypesDisabled() {
        StreamExecutionEnvironment env = withoutGenericTypes();
        Configuration config = OrderTimeoutJob.configuration(env, new String[0]);
        OrderTimeoutJob.define(env, config, new ListOrderSource(List.of(), Duration.ofSeconds(5)), WallClock.system());

        StreamGraph graph = env.getStreamGraph();

        assertThat(graph.getStreamNodes()).hasSizeGreaterThan(3);
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTypeSerializerOut()).as("output of %s", node.getOperatorName())
                    .isNotInstanceOf(KryoSerializer.class);
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertThat(in).as("input of %s", node.getOperatorName()).isNotInstanceOf(KryoSerializer.class);
            }
        }
    }

    /** The check above can fail: a record type Flink can only give to Kryo stops the same graph. */
    @Test
    void aGenericRecordTypeFailsTheSameCheck() {
        StreamExecutionEnvironment env = withoutGenericTypes();

        // Flink makes the source's serializer already when the stream is defined.
        assertThatThrownBy(() -> {
            env.fromData(List.of(new Object()), TypeInformation.of(Object.class))
                    .map(value -> value)
                    .returns(TypeInformation.of(Object.class))
                    .sinkTo(new DiscardingSink<>());
            env.getStreamGraph();
        }).hasStackTraceContaining("Generic types have been disabled");
    }
}
