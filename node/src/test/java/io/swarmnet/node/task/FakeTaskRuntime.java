package io.swarmnet.node.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A task runtime in memory: records every call in order, and fails the next call of a given name on demand. */
final class FakeTaskRuntime implements TaskRuntime {
    final List<String> calls = new ArrayList<>();
    final Set<String> sandboxes = new LinkedHashSet<>();
    final Set<String> running = new LinkedHashSet<>();
    private String failNext;
    /** While set, listing the sandboxes fails as an engine that does not answer does. */
    boolean engineDown;

    /** Makes the next call of {@code method} ({@code createSandbox}, {@code startProcess}) throw an IOException. */
    void failNext(String method) {
        failNext = method;
    }

    private void call(String method, String arg) throws IOException {
        calls.add(method + " " + arg);
        if (method.equals(failNext)) {
            failNext = null;
            throw new IOException(method + " failed");
        }
    }

    @Override
    public Sandbox createSandbox(TaskSpec spec) throws IOException {
        call("createSandbox", spec.name());
        sandboxes.add(spec.name());
        return new Sandbox(spec.name(), Path.of("/run/netns", spec.name()));
    }

    @Override
    public RunningTask startProcess(TaskSpec spec, Sandbox sandbox, String ip) throws IOException {
        call("startProcess", spec.name());
        running.add(spec.name());
        return new RunningTask(spec.id(), spec.name(), sandbox, ip, new ProcessRef(running.size(), 1),
                Path.of(spec.name() + ".log"));
    }

    @Override
    public TaskStatus status(RunningTask task) {
        return running.contains(task.name()) ? TaskStatus.running() : TaskStatus.failed("its process exited");
    }

    @Override
    public void stopProcess(RunningTask task, List<String> problems) {
        calls.add("stopProcess " + task.name());
        running.remove(task.name());
    }

    @Override
    public void removeSandbox(String name, List<String> problems) {
        calls.add("removeSandbox " + name);
        sandboxes.remove(name);
    }

    @Override
    public List<String> sandboxes() {
        if (engineDown) {
            throw new java.io.UncheckedIOException("Cannot connect to the Docker daemon", new IOException("refused"));
        }
        return List.copyOf(sandboxes);
    }

    @Override
    public String sandboxName(TaskSpec spec) {
        return spec.name();
    }

    @Override
    public Optional<RunningTask> find(TaskSpec spec, String ip) {
        return running.contains(spec.name()) && sandboxes.contains(spec.name())
                ? Optional.of(new RunningTask(spec.id(), spec.name(), new Sandbox(spec.name(), Path.of("/run/netns", spec.name())),
                        ip, new ProcessRef(1, 1), Path.of(spec.name() + ".log")))
                : Optional.empty();
    }
}
