package io.ordertimeout.testkit.poison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the poison corpus: malformed or hostile order-event messages with the result the job
 * must produce for each (DESIGN.md §2), kept as data in {@value #RESOURCE}.
 *
 * <p>The file is a JSON array of cases: {@code name}, {@code why}, the payload as exactly one of
 * {@code text} (UTF-8), {@code base64} (any bytes) or {@code parts} (a list of {@code {"text":
 * ...}}, {@code {"base64": ...}} or {@code {"repeat": "...", "times": n}} concatenated, for
 * payloads of a megabyte or 100,000 levels of nesting), and the expectation as exactly one of
 * {@code "rejected": "reason fragment"} or {@code "accepted": {"dropped": {"field": "reason
 * fragment", ...}}}. An optional {@code notSendable} says why a case cannot go through a broker.
 */
public final class PoisonCorpus {

    public static final String RESOURCE = "poison-corpus/cases.json";

    private PoisonCorpus() {}

    public static List<PoisonCase> load() {
        try (InputStream in = PoisonCorpus.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the class path");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
    }

    static List<PoisonCase> parse(JsonNode root) {
        if (!root.isArray()) {
            throw new IllegalArgumentException(RESOURCE + " must hold a JSON array");
        }
        List<PoisonCase> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : root) {
            String name = text(node, "name", null);
            if (!names.add(name)) {
                throw new IllegalArgumentException("Duplicate case name " + name);
            }
            cases.add(new PoisonCase(name, text(node, "why", name), payload(node, name),
                    node.hasNonNull("rejected") ? node.get("rejected").asText() : null,
                    dropped(node, name), node.hasNonNull("notSendable") ? node.get("notSendable").asText() : null));
        }
        return List.copyOf(cases);
    }

    private static byte[] payload(JsonNode node, String name) {
        int forms = (node.has("text") ? 1 : 0) + (node.has("base64") ? 1 : 0) + (node.has("parts") ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException(name + ": give exactly one of text, base64, parts");
        }
        if (node.has("parts")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (JsonNode part : node.get("parts")) {
                out.writeBytes(part(part, name));
            }
            return out.toByteArray();
        }
        return part(node, name);
    }

    private static byte[] part(JsonNode part, String name) {
        if (part.has("text")) {
            return part.get("text").asText().getBytes(StandardCharsets.UTF_8);
        }
        if (part.has("base64")) {
            return Base64.getDecoder().decode(part.get("base64").asText());
        }
        if (part.has("repeat") && part.has("times")) {
            return part.get("repeat").asText().repeat(part.get("times").asInt()).getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException(name + ": a part is text, base64 or repeat+times: " + part);
    }

    private static Map<String, String> dropped(JsonNode node, String name) {
        boolean rejected = node.hasNonNull("rejected");
        boolean accepted = node.has("accepted");
        if (rejected == accepted) {
            throw new IllegalArgumentException(name + ": give exactly one of rejected, accepted");
        }
        Map<String, String> dropped = new LinkedHashMap<>();
        if (accepted) {
            node.get("accepted").path("dropped").fields()
                    .forEachRemaining(field -> dropped.put(field.getKey(), field.getValue().asText()));
        }
        return dropped;
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            if (fallback != null) {
                return fallback;
            }
            throw new IllegalArgumentException("A case without " + field + ": " + node);
        }
        return value.textValue();
    }
}
