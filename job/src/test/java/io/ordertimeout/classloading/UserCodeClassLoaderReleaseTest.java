package io.ordertimeout.classloading;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.source.OrderMessageDeserializer;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The release hooks (drivers deregistered, client threads joined) are registered when the job's
 * classes come from a user-code class loader, by the JDBC writers and by the source: a TaskManager
 * that runs only source subtasks (custom slot sharing groups) starts the RocketMQ client threads
 * and must join them too. On the application class path (tests, local runner) nothing is done.
 */
class UserCodeClassLoaderReleaseTest {

    @Test
    void registersBothHooksForClassesOfAUserCodeClassLoader() throws IOException {
        List<String> registered = new ArrayList<>();
        try (URLClassLoader jobClasses = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
            UserCodeClassLoaderRelease.register(jobClasses, jobClasses, (name, hook) -> registered.add(name));
        }
        assertThat(registered).containsExactly(UserCodeClassLoaderRelease.DRIVERS_HOOK, UserCodeClassLoaderRelease.THREADS_HOOK);
    }

    @Test
    void registersNothingForClassesOnTheApplicationClassPath() {
        List<String> registered = new ArrayList<>();
        UserCodeClassLoaderRelease.register(ClassLoader.getSystemClassLoader(), ClassLoader.getSystemClassLoader(),
                (name, hook) -> registered.add(name));
        assertThat(registered).isEmpty();
    }

    @Test
    void theSourceDeserializerRegistersTheHooksWhenItsClassesComeFromAJobJar() throws Exception {
        RecordingUserCodeClassLoader userCode = new RecordingUserCodeClassLoader();
        try (JobClassesFirst jobClasses = new JobClassesFirst(getClass().getClassLoader())) {
            Class<?> deserializerClass = jobClasses.loadClass(OrderMessageDeserializer.class.getName());
            Class<?> parserClass = jobClasses.loadClass("io.ordertimeout.event.OrderEventParser");
            assertThat(deserializerClass.getClassLoader()).isSameAs(jobClasses);
            Object deserializer = deserializerClass.getConstructor(parserClass, long.class)
                    .newInstance(parserClass.getConstructor().newInstance(), 60_000L);

            ((RocketMqDeserializationSchema<?>) deserializer).open(new Context(userCode));
        }
        assertThat(userCode.registered)
                .containsExactly(UserCodeClassLoaderRelease.DRIVERS_HOOK, UserCodeClassLoaderRelease.THREADS_HOOK);
    }

    @Test
    void theSourceDeserializerRegistersNothingOnTheApplicationClassPath() throws Exception {
        RecordingUserCodeClassLoader userCode = new RecordingUserCodeClassLoader();
        new OrderMessageDeserializer(new io.ordertimeout.event.OrderEventParser(), 60_000L).open(new Context(userCode));
        assertThat(userCode.registered).isEmpty();
    }

    /**
     * Loads the job module's own classes (io.ordertimeout.*, but not the connector's interfaces)
     * itself, like Flink's child-first user-code class loader loads a submitted jar.
     */
    private static final class JobClassesFirst extends URLClassLoader {
        JobClassesFirst(ClassLoader parent) {
            super(new URL[] {OrderMessageDeserializer.class.getProtectionDomain().getCodeSource().getLocation()}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && name.startsWith("io.ordertimeout.") && !name.startsWith("io.ordertimeout.connector.")) {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException notInTheJobModule) {
                        loaded = null;
                    }
                }
                return loaded != null ? loaded : super.loadClass(name, resolve);
            }
        }
    }

    private static final class RecordingUserCodeClassLoader implements UserCodeClassLoader {
        final List<String> registered = new ArrayList<>();
        private final UserCodeClassLoader delegate =
                SimpleUserCodeClassLoader.create(UserCodeClassLoaderReleaseTest.class.getClassLoader());

        @Override
        public ClassLoader asClassLoader() {
            return delegate.asClassLoader();
        }

        @Override
        public void registerReleaseHookIfAbsent(String releaseHookName, Runnable releaseHook) {
            registered.add(releaseHookName);
        }
    }

    private record Context(UserCodeClassLoader userCode) implements DeserializationSchema.InitializationContext {
        @Override
        public MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return userCode;
        }
    }
}
