package io.ordertimeout.connector.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.ordertimeout.connector.rocketmq.sink.RocketMqSerializationSchema;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSink;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSinkBuilder;
import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceBuilder;
import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.junit.jupiter.api.Test;

/**
 * Every public class of the module says whether it is API ({@code @PublicEvolving}) or not
 * ({@code @Internal}), found by walking the module's compiled classes (so a new class cannot be
 * forgotten); the API is exactly the list below.
 */
class ApiStabilityAnnotationsTest {

    private static final String PACKAGE = "io.ordertimeout.connector.rocketmq";

    private static final List<Class<?>> API = List.of(RocketMqSource.class, RocketMqSourceBuilder.class,
            StartingOffsets.class, RocketMqDeserializationSchema.class, Utf8BodyDeserializationSchema.class,
            RocketMqSink.class, RocketMqSinkBuilder.class, RocketMqSerializationSchema.class);

    @Test
    void everyPublicTopLevelClassIsEitherPublicEvolvingOrInternal() throws Exception {
        List<Class<?>> classes = publicTopLevelClassesOfTheModule();
        assertThat(classes).as("the class walk found the module's classes").hasSizeGreaterThan(20).containsAll(API);

        for (Class<?> type : classes) {
            boolean api = type.isAnnotationPresent(PublicEvolving.class);
            boolean internal = type.isAnnotationPresent(Internal.class);
            assertThat(api ^ internal)
                    .as("%s carries exactly one of @PublicEvolving and @Internal", type.getName())
                    .isTrue();
            assertThat(api).as("%s is @PublicEvolving exactly when it is in the API list", type.getName())
                    .isEqualTo(API.contains(type));
        }
    }

    @Test
    void publicNestedTypesCarryAtMostOneMarker() throws Exception {
        for (Class<?> type : publicTopLevelClassesOfTheModule()) {
            for (Class<?> nested : type.getDeclaredClasses()) {
                if (Modifier.isPublic(nested.getModifiers())) {
                    assertThat(nested.isAnnotationPresent(PublicEvolving.class)
                            && nested.isAnnotationPresent(Internal.class))
                            .as("%s carries both markers", nested.getName())
                            .isFalse();
                }
            }
        }
    }

    private static List<Class<?>> publicTopLevelClassesOfTheModule() throws Exception {
        Path root = classesRoot();
        Path packageDirectory = root.resolve(PACKAGE.replace('.', '/'));
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(packageDirectory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String relative = root.relativize(file).toString();
                if (relative.contains("$") || relative.endsWith("package-info.class")) {
                    continue;
                }
                String className = relative.substring(0, relative.length() - ".class".length())
                        .replace(file.getFileSystem().getSeparator(), ".");
                Class<?> type = Class.forName(className, false, ApiStabilityAnnotationsTest.class.getClassLoader());
                if (Modifier.isPublic(type.getModifiers())) {
                    classes.add(type);
                }
            }
        }
        return classes;
    }

    /** The main classes' directory (target/classes), not the test classes'. */
    private static Path classesRoot() throws URISyntaxException {
        return Path.of(RocketMqSource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
