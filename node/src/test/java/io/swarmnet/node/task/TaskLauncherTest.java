package io.swarmnet.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskLauncherTest {
    private final FakeTaskRuntime runtime = new FakeTaskRuntime();
    private final FakeTaskNetwork network = new FakeTaskNetwork(runtime.calls);
    private final TaskLauncher launcher = new TaskLauncher(runtime, network, " on w1");
    private final TaskSpec web1 = new TaskSpec("t1", "web.1", List.of("sleep", "60"), Map.of("TASK_NAME", "web.1"), null);

    @Test
    void plumbsTheSandboxsNetworkBeforeTheProcessStarts() throws IOException {
        RunningTask task = launcher.start(web1);

        assertThat(runtime.calls).containsExactly("createSandbox web.1", "attach t1", "startProcess web.1");
        assertThat(network.attached).containsEntry("t1", Path.of("/run/netns/web.1"));
        assertThat(task.ip()).isEqualTo("10.0.1.3");
        assertThat(runtime.status(task)).isEqualTo(TaskStatus.running());
    }

    @Test
    void aRefusedAttachRemovesTheSandboxAndStartsNothing() {
        network.failNext("attach");

        assertThatThrownBy(() -> launcher.start(web1)).isInstanceOf(IOException.class).hasMessage("the agent said no to attach");
        assertThat(runtime.calls).containsExactly("createSandbox web.1", "attach t1", "detach t1", "removeSandbox web.1");
        assertThat(runtime.sandboxes).isEmpty();
        assertThat(runtime.running).isEmpty();
    }

    @Test
    void aProcessThatDoesNotStartIsDetachedAndItsSandboxRemoved() {
        runtime.failNext("startProcess");

        assertThatThrownBy(() -> launcher.start(web1)).hasMessage("startProcess failed");
        assertThat(runtime.calls).endsWith("detach t1", "removeSandbox web.1");
        assertThat(network.attached).isEmpty();
        assertThat(runtime.sandboxes).isEmpty();
    }

    @Test
    void aSandboxThatCannotBeMadeLeavesNothingToUndo() {
        runtime.failNext("createSandbox");

        assertThatThrownBy(() -> launcher.start(web1)).hasMessage("createSandbox failed");
        assertThat(runtime.calls).containsExactly("createSandbox web.1");
    }

    @Test
    void stopGoesTheOtherWay() throws IOException {
        RunningTask task = launcher.start(web1);
        runtime.calls.clear();
        List<String> problems = new ArrayList<>();

        launcher.stop(task, problems);

        assertThat(runtime.calls).containsExactly("stopProcess web.1", "detach t1", "removeSandbox web.1");
        assertThat(problems).isEmpty();
        assertThat(runtime.status(task)).isEqualTo(TaskStatus.failed("its process exited"));
    }

    @Test
    void aFailedDetachIsAProblemNamingWhereAndTheSandboxStillGoes() throws IOException {
        RunningTask task = launcher.start(web1);
        network.failNext("detach");
        List<String> problems = new ArrayList<>();

        launcher.stop(task, problems);

        assertThat(problems).containsExactly("cannot detach task t1 on w1: the agent said no to detach");
        assertThat(runtime.sandboxes).isEmpty();
    }

    @Test
    void aSpecWithoutACommandIsRefused() {
        assertThatThrownBy(() -> new TaskSpec("t2", "web.2", List.of(), Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task web.2 has no command to run");
    }
}
