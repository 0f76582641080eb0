package io.ordertimeout.connector.rocketmq.source;

import io.ordertimeout.connector.rocketmq.source.enumerator.RocketMqEnumeratorState;
import io.ordertimeout.connector.rocketmq.source.enumerator.RocketMqEnumeratorStateSerializer;
import io.ordertimeout.connector.rocketmq.source.enumerator.RocketMqSourceEnumerator;
import io.ordertimeout.connector.rocketmq.source.reader.RocketMqReaderMetrics;
import io.ordertimeout.connector.rocketmq.source.reader.RocketMqRecordEmitter;
import io.ordertimeout.connector.rocketmq.source.reader.RocketMqSourceFetcherManager;
import io.ordertimeout.connector.rocketmq.source.reader.RocketMqSourceReader;
import io.ordertimeout.connector.rocketmq.source.reader.RocketMqSplitReaders;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitSerializer;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * Unbounded FLIP-27 source reading one RocketMQ topic with exactly-once positions: each queue is a
 * split whose offset is checkpointed by Flink; offsets are also committed to the broker for the
 * consumer group once a checkpoint completes (progress and lag visible with
 * {@code mqadmin consumerProgress}). Unbounded by default; {@link RocketMqSourceBuilder#setBounded()}
 * reads each queue up to its end as found at start. Create with {@link #builder()}.
 */
@PublicEvolving
public final class RocketMqSource<T>
        implements Source<T, RocketMqSplit, RocketMqEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final RocketMqSourceSettings settings;
    private final RocketMqDeserializationSchema<T> deserializer;

    RocketMqSource(RocketMqSourceSettings settings, RocketMqDeserializationSchema<T> deserializer) {
        this.settings = settings;
        this.deserializer = deserializer;
    }

    public static <T> RocketMqSourceBuilder<T> builder() {
        return new RocketMqSourceBuilder<>();
    }

    public RocketMqSourceSettings settings() {
        return settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return settings.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, RocketMqSplit> createReader(SourceReaderContext readerContext) throws Exception {
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return readerContext.metricGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return readerContext.getUserCodeClassLoader();
            }
        });
        RocketMqReaderMetrics metrics = new RocketMqReaderMetrics(readerContext.metricGroup());
        RocketMqSourceFetcherManager fetcherManager = new RocketMqSourceFetcherManager(
                RocketMqSplitReaders.supplier(settings, metrics, readerContext.getIndexOfSubtask()),
                new Configuration());
        return new RocketMqSourceReader<>(fetcherManager,
                new RocketMqRecordEmitter<>(deserializer, settings.tagExpression(),
                        readerContext.metricGroup().getIOMetricGroup().getNumRecordsInCounter()),
                readerContext,
                metrics);
    }

    @Override
    public SplitEnumerator<RocketMqSplit, RocketMqEnumeratorState> createEnumerator(
            SplitEnumeratorContext<RocketMqSplit> enumContext) {
        return new RocketMqSourceEnumerator(enumContext, settings, null);
    }

    @Override
    public SplitEnumerator<RocketMqSplit, RocketMqEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RocketMqSplit> enumContext, RocketMqEnumeratorState checkpoint) {
        return new RocketMqSourceEnumerator(enumContext, settings, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<RocketMqSplit> getSplitSerializer() {
        return new RocketMqSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<RocketMqEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new RocketMqEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    @Override
    public String toString() {
        return "RocketMqSource{" + settings + '}';
    }
}
