package io.ordertimeout.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a resource against a CustomResourceDefinition's {@code openAPIV3Schema} the way the
 * Kubernetes API server does for a structural schema on {@code kubectl apply --validate=strict}:
 * unknown fields (unless {@code x-kubernetes-preserve-unknown-fields}), JSON types,
 * {@code x-kubernetes-int-or-string}, {@code enum}, {@code required}, {@code additionalProperties}.
 * Written here because no cluster (or API server) runs in CI, and these rules are all the
 * operator's CRD uses (formats, patterns and CEL rules are not).
 */
final class CrdSchema {

    private final JsonNode root;

    CrdSchema(JsonNode crd, String version) {
        JsonNode found = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(version)) {
                found = v.path("schema").path("openAPIV3Schema");
            }
        }
        if (found == null || found.isMissingNode()) {
            throw new IllegalArgumentException("CRD " + crd.path("metadata").path("name") + " has no version " + version);
        }
        this.root = found;
    }

    /** Every violation, each naming the path in the resource; empty when the resource is valid. */
    List<String> violations(JsonNode resource) {
        List<String> problems = new ArrayList<>();
        // apiVersion, kind and metadata are checked by the API server itself, not by the CRD.
        for (Iterator<Map.Entry<String, JsonNode>> fields = resource.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                JsonNode schema = root.path("properties").path(field.getKey());
                if (schema.isMissingNode()) {
                    problems.add(field.getKey() + ": unknown field");
                } else {
                    check(field.getValue(), schema, field.getKey(), problems);
                }
            }
        }
        return problems;
    }

    private static void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
        if (value.isNull()) {
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                problems.add(path + ": must be an integer or a string, is " + value.getNodeType());
            }
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(path + ": " + value + " is not one of " + schema.path("enum"));
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(value, schema, path, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": must be an array, is " + value.getNodeType());
                } else {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), schema.path("items"), path + "[" + i + "]", problems);
                    }
                }
            }
            case "string" -> expect(value.isTextual(), value, "a string", path, problems);
            case "integer" -> expect(value.isIntegralNumber(), value, "an integer", path, problems);
            case "number" -> expect(value.isNumber(), value, "a number", path, problems);
            case "boolean" -> expect(value.isBoolean(), value, "a boolean", path, problems);
            default -> {
                // No type: anything goes (only with x-kubernetes-preserve-unknown-fields in a structural schema).
            }
        }
    }

    private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": must be an object, is " + value.getNodeType());
            return;
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(path + ": missing required field " + required.asText());
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String fieldPath = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.path(field.getKey()), fieldPath, problems);
            } else if (additional.isObject()) {
                check(field.getValue(), additional, fieldPath, problems);
            } else if (!preserveUnknown && !additional.asBoolean(false) && (properties.size() > 0 || additional.isBoolean())) {
                problems.add(fieldPath + ": unknown field");
            }
        }
    }

    private static void expect(boolean ok, JsonNode value, String what, String path, List<String> problems) {
        if (!ok) {
            problems.add(path + ": must be " + what + ", is " + value.getNodeType() + " " + value);
        }
    }
}
