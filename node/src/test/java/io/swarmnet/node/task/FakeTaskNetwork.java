package io.swarmnet.node.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A task network in memory that records calls into a shared list and can refuse the next attach or detach. */
final class FakeTaskNetwork implements TaskNetwork {
    final Map<String, Path> attached = new LinkedHashMap<>();
    private final List<String> calls;
    private String failNext;

    FakeTaskNetwork(List<String> calls) {
        this.calls = calls;
    }

    /** Makes the next {@code attach} or {@code detach} throw an IOException. */
    void failNext(String method) {
        failNext = method;
    }

    @Override
    public String attach(String taskId, Path netns) throws IOException {
        calls.add("attach " + taskId);
        fail("attach");
        attached.put(taskId, netns);
        return "10.0.1.3";
    }

    @Override
    public void detach(String taskId) throws IOException {
        calls.add("detach " + taskId);
        fail("detach");
        attached.remove(taskId);
    }

    private void fail(String method) throws IOException {
        if (method.equals(failNext)) {
            failNext = null;
            throw new IOException("the agent said no to " + method);
        }
    }
}
