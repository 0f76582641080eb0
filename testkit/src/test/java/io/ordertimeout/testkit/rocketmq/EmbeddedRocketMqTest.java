package io.ordertimeout.testkit.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedRocketMqTest {

    private static EmbeddedRocketMq rocketMq;

    @BeforeAll
    static void startRocketMq() {
        rocketMq = EmbeddedRocketMq.start();
    }

    @AfterAll
    static void stopRocketMq() {
        rocketMq.close();
    }

    @Test
    void producesAndReadsBackMessagesOfAFourQueueTopic() throws Exception {
        rocketMq.createTopic("kit-four-queues", 4);
        List<MessageQueue> queues = rocketMq.messageQueues("kit-four-queues");
        assertThat(queues).hasSize(4);

        Set<String> sent = new HashSet<>();
        for (MessageQueue queue : queues) {
            List<String> bodies = IntStream.range(0, 50).mapToObj(i -> queue.getQueueId() + "-" + i).toList();
            assertThat(rocketMq.sendStrings("kit-four-queues", queue.getQueueId(), bodies))
                    .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> (long) i).toList());
            sent.addAll(bodies);
        }

        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("kit_reader");
        consumer.setNamesrvAddr(rocketMq.nameServerAddress());
        consumer.setInstanceName("kit-reader");
        consumer.setAutoCommit(false);
        consumer.start();
        try {
            consumer.assign(queues);
            for (MessageQueue queue : queues) {
                consumer.seek(queue, 0);
            }
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (MessageExt message : consumer.poll(200)) {
                    received.add(new String(message.getBody(), StandardCharsets.UTF_8));
                }
            }
            assertThat(received).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        } finally {
            consumer.shutdown();
        }
    }

    @Test
    void killedBrokerRestartsOnItsStore() {
        rocketMq.createTopic("kit-crash", 1);
        List<String> before = IntStream.range(0, 20).mapToObj(i -> "before-" + i).toList();
        rocketMq.sendStrings("kit-crash", 0, before);
        String brokerAddress = rocketMq.brokerAddress();

        rocketMq.killBroker();
        assertThat(rocketMq.isBrokerAlive()).isFalse();
        rocketMq.restartBroker();

        assertThat(rocketMq.isBrokerAlive()).isTrue();
        assertThat(rocketMq.brokerAddress()).isEqualTo(brokerAddress);
        // The queue continues where the killed broker's store ended: nothing was lost.
        assertThat(rocketMq.sendStrings("kit-crash", 0, List.of("after"))).containsExactly(20L);
    }

    @Test
    void addsQueuesToARunningTopic() {
        rocketMq.createTopic("kit-growing", 2);
        rocketMq.updateTopicQueues("kit-growing", 5);

        assertThat(rocketMq.messageQueues("kit-growing"))
                .extracting(MessageQueue::getQueueId)
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(rocketMq.sendStrings("kit-growing", 4, List.of("on a new queue"))).containsExactly(0L);
    }

    @Test
    void keepsLogsAndStoreInItsHomeDirectory() throws Exception {
        try (var files = Files.walk(rocketMq.homeDirectory())) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertThat(names).contains("commitlog", "consumequeue", "broker.log", "broker.out", "namesrv.out");
        }
    }
}
