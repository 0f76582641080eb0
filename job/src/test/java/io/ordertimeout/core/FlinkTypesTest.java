package io.ordertimeout.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State and records are Flink POJOs with no field that falls back to Kryo: POJO schema evolution
 * (adding fields) then works across savepoints, and serialization stays fast (DESIGN.md §3).
 */
class FlinkTypesTest {

    @ParameterizedTest
    @ValueSource(classes = {OrderState.class, OrderEvent.class, OrderMessage.class, DeadLetter.class,
            CloseCommand.class, RefundRequest.class})
    void isAPojoWithoutGenericFields(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);

        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                    .as("%s.%s", type.getSimpleName(), pojo.getPojoFieldAt(i).getField().getName())
                    .isNotInstanceOf(GenericTypeInfo.class);
        }
    }
}
