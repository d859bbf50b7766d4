package io.swarmnet.benchmarks.lab.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.swarmnet.control.view.ClusterView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of a view's content (records and liveness, not the revision) that is the same
 * in every JVM: records go through JSON with every map's keys sorted, since hash orders
 * and enum hash codes differ between processes.
 */
final class ViewDigest {
    private static final ObjectMapper SORTED = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ViewDigest() {
    }

    static String of(ClusterView view) {
        Map<String, Object> content = new TreeMap<>();
        content.put("nodes", new TreeMap<>(view.nodes()));
        content.put("alive", new TreeMap<>(Map.of("ids", view.aliveNodeIds().stream().sorted().toList())));
        content.put("networks", new TreeMap<>(view.networks()));
        content.put("services", new TreeMap<>(view.services()));
        content.put("tasks", new TreeMap<>(view.tasks()));
        try {
            // Records become plain maps first, so the sort applies to their fields' maps too.
            Object plain = SORTED.convertValue(content, Object.class);
            byte[] json = SORTED.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot digest the view: " + e.getMessage(), e);
        }
    }
}
