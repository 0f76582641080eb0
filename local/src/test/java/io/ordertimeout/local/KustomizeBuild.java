package io.ordertimeout.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kubectl kustomize <dir>} renders, for the subset of Kustomize the manifests use:
 * {@code resources} (files and directories), {@code namespace} and {@code patches} with a
 * {@code path}, applied as a JSON merge patch (RFC 7386) matched by kind and name — what
 * Kustomize does for custom resources, which have no strategic-merge metadata (lists are replaced,
 * not merged). Anything else in a kustomization.yaml fails the build, so that a new Kustomize
 * feature cannot slip past the checks unrendered. Written here because no kustomize binary is on
 * the CI machine.
 */
final class KustomizeBuild {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "patches");

    private KustomizeBuild() {}

    static List<ObjectNode> render(Path directory) throws IOException {
        JsonNode kustomization = read(directory.resolve("kustomization.yaml"));
        for (Iterator<String> names = kustomization.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SUPPORTED.contains(name)) {
                throw new IllegalArgumentException(directory + "/kustomization.yaml uses '" + name
                        + "', which this renderer does not support: extend KustomizeBuild");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : kustomization.path("resources")) {
            Path resource = directory.resolve(entry.asText()).normalize();
            if (Files.isDirectory(resource)) {
                resources.addAll(render(resource));
            } else {
                resources.add((ObjectNode) read(resource));
            }
        }
        for (JsonNode patchEntry : kustomization.path("patches")) {
            if (!patchEntry.has("path") || patchEntry.size() != 1) {
                throw new IllegalArgumentException(directory + ": only patches with a path alone are supported, got " + patchEntry);
            }
            JsonNode patch = read(directory.resolve(patchEntry.path("path").asText()));
            ObjectNode target = resources.stream()
                    .filter(r -> r.path("kind").equals(patch.path("kind"))
                            && r.path("metadata").path("name").equals(patch.path("metadata").path("name")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(directory + ": patch " + patchEntry
                            + " matches no resource"));
            mergePatch(target, patch);
        }
        if (kustomization.has("namespace")) {
            for (ObjectNode resource : resources) {
                ((ObjectNode) resource.get("metadata")).put("namespace", kustomization.path("namespace").asText());
            }
        }
        return resources;
    }

    /** RFC 7386: objects merge recursively, null removes, anything else (lists too) replaces. */
    static void mergePatch(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode current = target.get(field.getKey());
            if (field.getValue().isNull()) {
                target.remove(field.getKey());
            } else if (field.getValue().isObject() && current != null && current.isObject()) {
                mergePatch((ObjectNode) current, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }
}
