package io.ordertimeout.testkit.rocketmq;

import io.ordertimeout.testkit.process.ChildJvm;
import io.ordertimeout.testkit.process.LoopbackPorts;
import io.ordertimeout.testkit.process.StopOnce;
import io.ordertimeout.testkit.process.TempDirectories;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real RocketMQ 5.3.3 name server and broker, each in a child JVM, on free loopback ports with a
 * temporary store that is deleted on {@link #close()}.
 *
 * <p>Child JVMs because the in-JVM start left the name server without routes (see FINDINGS.md)
 * and because the broker's rocksdbjni clashes with Flink's: the broker jars stay off the caller's
 * class path and are read from {@code order-timeout-testkit/rocketmq-server.classpath}, generated
 * when the testkit is built. The children exit by themselves when this JVM dies, however it dies
 * (see {@link ChildJvm}); a shutdown hook covers the orderly case.
 *
 * <p>Both servers bind 127.0.0.1 ({@code bindAddress}, a setting of RocketMQ's Netty server config
 * that both read from their config file) and write their logs and store under
 * {@link #homeDirectory()}.
 *
 * <p>Faults for the fault campaign: {@link #killBroker()} kills the broker JVM (SIGKILL, no
 * shutdown hook, the store is left as a crash leaves it) and {@link #restartBroker()} starts a
 * new one on the same store, config and ports; the name server keeps running.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

    public static final String CLUSTER_NAME = "DefaultCluster";
    public static final String BROKER_NAME = "broker-a";

    /** Created by the broker at start when topic auto-creation is on; producers need its route. */
    private static final String AUTO_CREATE_TOPIC_TEMPLATE = "TBW102";

    private static final String SERVER_CLASSPATH_RESOURCE = "order-timeout-testkit/rocketmq-server.classpath";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a child gets to stop on SIGTERM before it is killed. The broker's orderly shutdown
     * takes about 10 s here; its store is deleted right after, so there is nothing to wait for.
     */
    private static final Duration GRACEFUL_STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final long ADMIN_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_MESSAGES_PER_BATCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRocketMq.class);

    private final Path homeDirectory;
    private final List<ChildJvm> children = new ArrayList<>();
    private StopOnce stopOnce;
    private String nameServerAddress;
    private String brokerAddress;
    private Path brokerConfig;
    private String serverClassPath;
    private DefaultMQAdminExt admin;
    private DefaultMQProducer producer;

    private EmbeddedRocketMq(Path homeDirectory) {
        this.homeDirectory = homeDirectory;
    }

    /** Starts a name server and a broker and returns when the broker's routes are served. */
    public static EmbeddedRocketMq start() {
        Path home;
        try {
            home = Files.createTempDirectory("embedded-rocketmq-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the RocketMQ home directory", e);
        }
        EmbeddedRocketMq rocketMq = new EmbeddedRocketMq(home);
        rocketMq.stopOnce = StopOnce.registerShutdownHook("embedded-rocketmq-stop", rocketMq::stopChildrenAndDeleteHome);
        try {
            rocketMq.startServers();
            return rocketMq;
        } catch (RuntimeException | Error e) {
            rocketMq.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port} of the name server, what clients take as {@code namesrvAddr}. */
    public String nameServerAddress() {
        return nameServerAddress;
    }

    /** {@code 127.0.0.1:port} of the broker. */
    public String brokerAddress() {
        return brokerAddress;
    }

    /** Where the store, the server logs and the children's console output live. */
    public Path homeDirectory() {
        return homeDirectory;
    }

    /** Creates (or updates) a topic with {@code queues} read and write queues and waits for its route. */
    public void createTopic(String topic, int queues) {
        updateTopicQueues(topic, queues);
    }

    /**
     * Sets the number of read and write queues of a topic (creating it if needed) and returns once
     * the name server serves the new route, so clients that query it see the new queues.
     */
    public void updateTopicQueues(String topic, int queues) {
        if (queues < 1) {
            throw new IllegalArgumentException("A topic needs at least one queue, got " + queues);
        }
        TopicConfig config = new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE);
        try {
            admin.createAndUpdateTopicConfig(brokerAddress, config);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + topic + " with " + queues + " queues", e);
        }
        awaitRoute(topic, queues);
    }

    /** The message queues of a topic as the name server routes them, sorted by queue id. */
    public List<MessageQueue> messageQueues(String topic) {
        TopicRouteData route;
        try {
            route = admin.examineTopicRouteInfo(topic);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the route of topic " + topic, e);
        }
        List<MessageQueue> queues = new ArrayList<>();
        for (QueueData queueData : route.getQueueDatas()) {
            for (int queueId = 0; queueId < queueData.getReadQueueNums(); queueId++) {
                queues.add(new MessageQueue(topic, queueData.getBrokerName(), queueId));
            }
        }
        queues.sort(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
        return queues;
    }

    /**
     * Sends UTF-8 string messages to one queue (batched, synchronously) and returns their queue
     * offsets in order.
     */
    public List<Long> sendStrings(String topic, int queueId, List<String> bodies) {
        MessageQueue queue = new MessageQueue(topic, BROKER_NAME, queueId);
        List<Long> offsets = new ArrayList<>(bodies.size());
        for (int from = 0; from < bodies.size(); from += MAX_MESSAGES_PER_BATCH) {
            List<Message> batch = new ArrayList<>();
            for (String body : bodies.subList(from, Math.min(bodies.size(), from + MAX_MESSAGES_PER_BATCH))) {
                batch.add(new Message(topic, body.getBytes(StandardCharsets.UTF_8)));
            }
            SendResult result = send(batch, queue);
            long first = result.getQueueOffset();
            for (int i = 0; i < batch.size(); i++) {
                offsets.add(first + i);
            }
        }
        return offsets;
    }

    /**
     * The offsets the broker holds for a consumer group on a topic ("next offset to consume"),
     * what {@code mqadmin consumerProgress} shows; empty if the group never committed.
     */
    public Map<MessageQueue, Long> committedOffsets(String consumerGroup, String topic) {
        ConsumeStats stats;
        try {
            stats = admin.examineConsumeStats(consumerGroup, topic);
        } catch (MQBrokerException e) {
            if (e.getResponseCode() == ResponseCode.CONSUMER_NOT_ONLINE
                    || e.getResponseCode() == ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) {
                return Map.of();
            }
            throw new IllegalStateException("Cannot read the offsets of group " + consumerGroup, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the offsets of group " + consumerGroup, e);
        }
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (Map.Entry<MessageQueue, OffsetWrapper> entry : stats.getOffsetTable().entrySet()) {
            if (entry.getKey().getTopic().equals(topic) && entry.getValue().getConsumerOffset() >= 0) {
                offsets.put(entry.getKey(), entry.getValue().getConsumerOffset());
            }
        }
        return offsets;
    }

    /** Fault: kills the broker JVM with SIGKILL and waits until it is gone. */
    public synchronized void killBroker() {
        ChildJvm broker = broker();
        if (!broker.isAlive()) {
            return;
        }
        broker.kill();
        if (broker.isAlive()) {
            throw new IllegalStateException("The RocketMQ broker (pid " + broker.pid() + ") did not exit after SIGKILL");
        }
        LOG.info("RocketMQ broker {} killed (pid {})", brokerAddress, broker.pid());
    }

    /**
     * Starts a new broker JVM on the store, config and ports of the killed one and returns when it
     * serves routes again.
     */
    public synchronized void restartBroker() {
        if (broker().isAlive()) {
            throw new IllegalStateException("The broker is still running; kill it first");
        }
        long startNanos = System.nanoTime();
        children.remove(children.size() - 1);
        ChildJvm broker = startChild("broker", "org.apache.rocketmq.broker.BrokerStartup", brokerConfig,
                serverClassPath);
        // The name server still routes to the killed broker (same address) until that entry
        // expires, so ask the new broker itself.
        awaitTrue(broker, "to answer on " + brokerAddress, STARTUP_TIMEOUT, () -> {
            admin.fetchBrokerRuntimeStats(brokerAddress);
            return true;
        });
        awaitBrokerServing(broker);
        LOG.info("RocketMQ broker {} restarted on its store in {} ms", brokerAddress,
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    public synchronized boolean isBrokerAlive() {
        return broker().isAlive();
    }

    private ChildJvm broker() {
        if (children.size() < 2) {
            throw new IllegalStateException("The broker is not started");
        }
        return children.get(children.size() - 1);
    }

    /** The admin client this instance uses, for checks the methods above do not cover. */
    public DefaultMQAdminExt admin() {
        return admin;
    }

    @Override
    public void close() {
        stopOnce.stop();
    }

    private void startServers() {
        long startNanos = System.nanoTime();
        String classPath = serverClassPath();
        serverClassPath = classPath;

        int nameServerPort = LoopbackPorts.free();
        nameServerAddress = "127.0.0.1:" + nameServerPort;
        Path nameServerConfig = writeConfig("namesrv.conf", Map.of(
                "listenPort", String.valueOf(nameServerPort),
                "bindAddress", "127.0.0.1"));
        ChildJvm nameServer = startChild("namesrv", "org.apache.rocketmq.namesrv.NamesrvStartup",
                nameServerConfig, classPath);
        awaitPortOpen(nameServer, nameServerPort);

        int brokerPort = freePortWithFreeFastPort();
        brokerAddress = "127.0.0.1:" + brokerPort;
        Path store = homeDirectory.resolve("store");
        Map<String, String> brokerSettings = new HashMap<>();
        brokerSettings.put("brokerClusterName", CLUSTER_NAME);
        brokerSettings.put("brokerName", BROKER_NAME);
        brokerSettings.put("brokerId", "0");
        brokerSettings.put("brokerIP1", "127.0.0.1");
        brokerSettings.put("bindAddress", "127.0.0.1");
        brokerSettings.put("namesrvAddr", nameServerAddress);
        brokerSettings.put("listenPort", String.valueOf(brokerPort));
        brokerSettings.put("haListenPort", String.valueOf(LoopbackPorts.free()));
        brokerSettings.put("autoCreateTopicEnable", "true");
        brokerSettings.put("autoCreateSubscriptionGroup", "true");
        brokerSettings.put("storePathRootDir", store.toString());
        brokerSettings.put("storePathCommitLog", store.resolve("commitlog").toString());
        // 64 MB instead of 1 GB per commit-log file keeps disk use small in tests.
        brokerSettings.put("mappedFileSizeCommitLog", "67108864");
        brokerSettings.put("diskMaxUsedSpaceRatio", "95");
        brokerSettings.put("timerWheelEnable", "true");
        // The broker rejects a send that waited more than 200 ms in its queue ("[TIMEOUT_CLEAN_QUEUE] broker busy").
        // On a test machine of 2 shared cores that happens from CPU starvation alone (Flink's sink suite failed on it
        // under load); a production broker has its own cores, so the tests give it more patience instead.
        brokerSettings.put("waitTimeMillsInSendQueue", "3000");
        brokerSettings.put("flushDiskType", "ASYNC_FLUSH");
        brokerConfig = writeConfig("broker.conf", brokerSettings);
        ChildJvm broker = startChild("broker", "org.apache.rocketmq.broker.BrokerStartup", brokerConfig, classPath);

        admin = new DefaultMQAdminExt(ADMIN_TIMEOUT_MILLIS);
        admin.setNamesrvAddr(nameServerAddress);
        admin.setInstanceName("embedded-rocketmq-admin-" + nameServerPort);
        admin.setAdminExtGroup("embedded_rocketmq_admin_" + nameServerPort);
        try {
            admin.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the RocketMQ admin client", e);
        }
        awaitBrokerServing(broker);
        LOG.info("Embedded RocketMQ started in {} ms: name server {}, broker {}, home {}",
                (System.nanoTime() - startNanos) / 1_000_000, nameServerAddress, brokerAddress, homeDirectory);
    }

    private SendResult send(List<Message> batch, MessageQueue queue) {
        try {
            SendResult result = producer().send(batch, queue);
            if (result.getSendStatus() != SendStatus.SEND_OK) {
                throw new IllegalStateException("Send to " + queue + " returned " + result.getSendStatus());
            }
            return result;
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot send " + batch.size() + " messages to " + queue, e);
        }
    }

    private synchronized DefaultMQProducer producer() throws Exception {
        if (producer == null) {
            DefaultMQProducer created = new DefaultMQProducer("embedded_rocketmq_test_producer");
            created.setNamesrvAddr(nameServerAddress);
            created.setInstanceName("embedded-rocketmq-producer-" + brokerAddress.replace(':', '-'));
            created.start();
            producer = created;
        }
        return producer;
    }

    private ChildJvm startChild(String name, String mainClass, Path config, String serverClassPath) {
        ChildJvm child = ChildJvm.start("RocketMQ " + name,
                List.of("-Xms64m", "-Xmx256m", "-XX:MaxDirectMemorySize=256m",
                        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                        "-Duser.home=" + homeDirectory,
                        "-Drocketmq.home.dir=" + homeDirectory,
                        "-Drocketmq.log.root=" + homeDirectory.resolve("logs"),
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"),
                serverClassPath, homeDirectory.resolve("launcher"), mainClass, List.of("-c", config.toString()),
                Map.of("ROCKETMQ_HOME", homeDirectory.toString()), homeDirectory, homeDirectory.resolve(name + ".out"));
        children.add(child);
        return child;
    }

    private void awaitPortOpen(ChildJvm child, int port) {
        awaitTrue(child, "to listen on 127.0.0.1:" + port, STARTUP_TIMEOUT, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void awaitBrokerServing(ChildJvm broker) {
        awaitTrue(broker, "to register with the name server and serve the route of "
                + AUTO_CREATE_TOPIC_TEMPLATE, STARTUP_TIMEOUT, () -> {
            ClusterInfo cluster = admin.examineBrokerClusterInfo();
            BrokerData brokerData = cluster.getBrokerAddrTable().get(BROKER_NAME);
            if (brokerData == null || !brokerAddress.equals(brokerData.getBrokerAddrs().get(0L))) {
                return false;
            }
            return !admin.examineTopicRouteInfo(AUTO_CREATE_TOPIC_TEMPLATE).getQueueDatas().isEmpty();
        });
    }

    private void awaitRoute(String topic, int queues) {
        ChildJvm broker = children.get(children.size() - 1);
        awaitTrue(broker, "to route topic " + topic + " with " + queues + " queues", ROUTE_TIMEOUT, () -> {
            TopicRouteData route = admin.examineTopicRouteInfo(topic);
            return route.getQueueDatas().stream().anyMatch(q -> q.getBrokerName().equals(BROKER_NAME)
                    && q.getReadQueueNums() == queues && q.getWriteQueueNums() == queues);
        });
    }

    /** Polls a condition until it holds; exceptions count as "not yet" and the last one is reported. */
    private void awaitTrue(ChildJvm child, String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException("The " + child.name() + " exited with code "
                        + child.exitCode().orElse(-1) + " while waiting for it " + what + ". Output:\n"
                        + child.outputTail(40));
            }
            try {
                if (check.holds()) {
                    return;
                }
                lastError = null;
            } catch (Exception e) {
                lastError = e;
            }
            sleep(100);
        }
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for the "
                + child.name() + " " + what + (lastError == null ? "" : "; last error: " + lastError)
                + ". Output:\n" + child.outputTail(40), lastError);
    }

    private synchronized void stopChildrenAndDeleteHome() {
        if (producer != null) {
            producer.shutdown();
            producer = null;
        }
        if (admin != null) {
            admin.shutdown();
            admin = null;
        }
        // Broker first, so it does not keep retrying to register with a stopped name server.
        for (int i = children.size() - 1; i >= 0; i--) {
            ChildJvm child = children.get(i);
            long startNanos = System.nanoTime();
            child.stop(GRACEFUL_STOP_TIMEOUT);
            LOG.info("{} stopped in {} ms", child.name(), (System.nanoTime() - startNanos) / 1_000_000);
        }
        children.clear();
        TempDirectories.deleteQuietly(homeDirectory);
    }

    private Path writeConfig(String fileName, Map<String, String> settings) {
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path file = homeDirectory.resolve(fileName);
        try {
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    private static String serverClassPath() {
        try (InputStream in = EmbeddedRocketMq.class.getClassLoader().getResourceAsStream(SERVER_CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + SERVER_CLASSPATH_RESOURCE + " not found: it is generated"
                        + " when the testkit module is built (maven-dependency-plugin build-classpath)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + SERVER_CLASSPATH_RESOURCE, e);
        }
    }

    /** The broker also opens a "fast" (VIP) server on its listen port minus 2. */
    private static int freePortWithFreeFastPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = LoopbackPorts.free();
            if (port > 1026 && isFree(port - 2)) {
                return port;
            }
        }
        throw new IllegalStateException("No free pair of ports (p, p-2) for the broker");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for RocketMQ", e);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

}
