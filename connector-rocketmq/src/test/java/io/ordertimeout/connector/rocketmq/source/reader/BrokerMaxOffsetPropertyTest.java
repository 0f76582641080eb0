package io.ordertimeout.connector.rocketmq.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/** The max offset read from each message, parsed only when it differs from the last one. */
class BrokerMaxOffsetPropertyTest {

    private final BrokerMaxOffsetProperty property = new BrokerMaxOffsetProperty();

    /** The client makes a new string per message (Long.toString), so equal values come as distinct strings. */
    @Test
    void equalValuesOfOnePullAreParsedOnce() {
        assertThat(property.of(stamped(new String("1500")))).isEqualTo(1500);
        assertThat(property.of(stamped(new String("1500")))).isEqualTo(1500);
        assertThat(property.of(stamped(new String("1500")))).isEqualTo(1500);

        assertThat(property.parses()).isEqualTo(1);
    }

    /** Accuracy of the lag metric: every new value, including one going back (another queue), is read. */
    @Test
    void everyChangedValueIsParsed() {
        assertThat(property.of(stamped("1500"))).isEqualTo(1500);
        assertThat(property.of(stamped("1720"))).isEqualTo(1720);
        assertThat(property.of(stamped("90"))).isEqualTo(90);
        assertThat(property.of(stamped("1720"))).isEqualTo(1720);

        assertThat(property.parses()).isEqualTo(4);
    }

    @Test
    void missingOrMalformedIsUnknownAndDoesNotHideTheNextValue() {
        assertThat(property.of(new MessageExt())).isEqualTo(BrokerMaxOffsetProperty.UNKNOWN);
        assertThat(property.of(stamped("12x"))).isEqualTo(BrokerMaxOffsetProperty.UNKNOWN);
        assertThat(property.of(stamped("12x"))).isEqualTo(BrokerMaxOffsetProperty.UNKNOWN);
        assertThat(property.of(stamped("12"))).isEqualTo(12);
        assertThat(property.of(new MessageExt())).isEqualTo(BrokerMaxOffsetProperty.UNKNOWN);
        assertThat(property.of(stamped("12"))).isEqualTo(12);
    }

    private static MessageExt stamped(String maxOffset) {
        MessageExt message = new MessageExt();
        MessageAccessor.putProperty(message, MessageConst.PROPERTY_MAX_OFFSET, maxOffset);
        return message;
    }
}
