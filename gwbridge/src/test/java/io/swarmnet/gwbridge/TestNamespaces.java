package io.swarmnet.gwbridge;

import io.swarmnet.sys.Netns;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network namespaces of one test by role (host, task, outside), each a
 * {@link TestNamespace}, all removed by {@link #close()} whatever the test did.
 */
final class TestNamespaces implements AutoCloseable {
    private final Map<String, TestNamespace> byName = new LinkedHashMap<>();

    /** Creates a namespace for {@code role}, its loopback up, and returns its name. */
    String create(String role) throws IOException {
        TestNamespace ns = TestNamespace.create("gwb" + role);
        byName.put(ns.name(), ns);
        return ns.name();
    }

    /** The namespace {@code name}, opened; closed with the rest. */
    Netns open(String name) {
        return namespace(name).netns();
    }

    /** Runs {@code ip -n NAME args...} and returns its output. */
    String ip(String name, String... args) throws IOException {
        return namespace(name).ip(args);
    }

    /** Runs {@code command} inside namespace {@code name} and returns its output. */
    String exec(String name, String... command) throws IOException {
        return namespace(name).exec(command);
    }

    static String run(String... command) throws IOException {
        return TestNamespace.run(command);
    }

    private TestNamespace namespace(String name) {
        TestNamespace ns = byName.get(name);
        if (ns == null) {
            throw new IllegalArgumentException("no test namespace " + name + "; have " + byName.keySet());
        }
        return ns;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<TestNamespace> all = new ArrayList<>(byName.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
