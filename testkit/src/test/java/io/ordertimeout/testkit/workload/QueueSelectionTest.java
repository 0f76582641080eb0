package io.ordertimeout.testkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

class QueueSelectionTest {

    private static final List<MessageQueue> QUEUES = IntStream.range(0, 4)
            .mapToObj(id -> new MessageQueue("orders", "broker-a", id)).toList();

    @Test
    void roundRobinSpreadsOneOrdersEventsOverTheQueuesInTurn() {
        assertThat(queueIds(QueueSelection.ROUND_ROBIN.newSelector(), "o-1", 8)).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
    }

    @Test
    void orderIdHashKeepsOneOrderInOneQueueAndSpreadsOrders() {
        MessageQueueSelector selector = QueueSelection.ORDER_ID_HASH.newSelector();
        assertThat(queueIds(selector, "o-1", 5)).containsOnly(queueIds(selector, "o-1", 1).get(0));
        List<Integer> firstQueues = new ArrayList<>();
        for (int order = 0; order < 40; order++) {
            firstQueues.add(queueIds(selector, "o-" + order, 1).get(0));
        }
        assertThat(firstQueues).contains(0, 1, 2, 3);
    }

    @Test
    void randomUsesSeveralQueuesForOneOrder() {
        assertThat(queueIds(QueueSelection.RANDOM.newSelector(), "o-1", 200)).contains(0, 1, 2, 3);
    }

    private static List<Integer> queueIds(MessageQueueSelector selector, String orderId, int messages) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            Message message = new Message("orders", "ORDER_PAID", orderId, new byte[0]);
            ids.add(selector.select(QUEUES, message, orderId).getQueueId());
        }
        return ids;
    }
}
