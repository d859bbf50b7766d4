package io.swarmnet.node.task;

import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.RestartCondition;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.model.TaskReport.State;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker against an in-memory runtime and network: what it starts, stops, restarts, adopts and reports. */
class TaskWorkerTest {
    private static final String NODE = "n1";
    private final FakeTaskRuntime runtime = new FakeTaskRuntime();
    private final FakeTaskNetwork network = new FakeTaskNetwork(runtime.calls);
    private final Reports reports = new Reports();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<TaskWorker> workers = new ArrayList<>();
    private final Service web = service("web").withContainer(ContainerSpec.of("swarmnet/echo:1"));
    private final ClusterView oneTask = ClusterView.EMPTY.edit().put(web, 1).put(task("t1", "web", 1, NODE), 1)
            .put(task("t2", "web", 2, "n2"), 1).put(service("lab"), 1).put(task("t3", "lab", 1, NODE), 1).build(1);

    @AfterEach
    void close() {
        workers.forEach(TaskWorker::close);
    }

    private TaskWorker worker() {
        TaskWorker w = new TaskWorker(NODE, new TaskLauncher(runtime, network, ""), reports,
                Executors.newSingleThreadScheduledExecutor(), new SameThread(), clock::get);
        workers.add(w);
        return w;
    }

    private static void pass(TaskWorker w, ClusterView view) {
        w.takeView(view);
        w.pass();
    }

    @Test
    void startsTheContainerTasksPlacedOnThisNodeOnly() {
        TaskWorker w = worker();
        pass(w, oneTask);

        assertThat(runtime.calls).containsExactly("createSandbox web.1", "attach t1", "startProcess web.1");
        assertThat(reports.states("t1")).containsExactly(State.STARTING, State.RUNNING);
        assertThat(reports.states("t2")).isEmpty();
        assertThat(reports.states("t3")).as("the lab's host-command task is not the worker's").isEmpty();
        assertThat(w.running()).isEqualTo(1);
    }

    @Test
    void doesNothingBeforeTheFirstView() {
        runtime.sandboxes.add("old.1");
        TaskWorker w = worker();
        pass(w, ClusterView.EMPTY);

        assertThat(runtime.calls).as("an empty view must not prune what runs").isEmpty();
    }

    @Test
    void restartsACrashedTaskAfterABackoffThatDoubles() {
        TaskWorker w = worker();
        pass(w, oneTask);
        runtime.calls.clear();

        runtime.running.remove("web.1");
        w.pass();
        assertThat(runtime.calls).containsExactly("stopProcess web.1", "detach t1", "removeSandbox web.1");
        assertThat(reports.last("t1").state()).isEqualTo(State.FAILED);
        assertThat(reports.last("t1").error()).isEqualTo("its process exited");

        runtime.calls.clear();
        clock.addAndGet(TaskWorker.MIN_BACKOFF.toMillis() - 1);
        w.pass();
        assertThat(runtime.calls).as("within the backoff").isEmpty();
        clock.addAndGet(1);
        w.pass();
        assertThat(runtime.calls).containsExactly("createSandbox web.1", "attach t1", "startProcess web.1");
        assertThat(reports.last("t1").state()).isEqualTo(State.RUNNING);

        runtime.running.remove("web.1");
        w.pass();
        runtime.calls.clear();
        clock.addAndGet(2 * TaskWorker.MIN_BACKOFF.toMillis() - 1);
        w.pass();
        assertThat(runtime.calls).as("the second backoff is twice the first").isEmpty();
        clock.addAndGet(1);
        w.pass();
        assertThat(runtime.calls).contains("startProcess web.1");
    }

    @Test
    void aTaskWithRestartConditionNoneStaysFailed() {
        ContainerSpec once = new ContainerSpec("swarmnet/echo:1", List.of(), null, RestartCondition.NONE, 10);
        ClusterView view = oneTask.edit().put(web.withContainer(once), 2).build(2);
        TaskWorker w = worker();
        pass(w, view);
        runtime.running.remove("web.1");
        w.pass();
        runtime.calls.clear();
        clock.addAndGet(TaskWorker.MAX_BACKOFF.toMillis());
        w.pass();

        assertThat(runtime.calls).isEmpty();
        assertThat(reports.last("t1").state()).isEqualTo(State.FAILED);
    }

    @Test
    void aStartTheEngineRefusesIsReportedWithItsErrorAndTriedAgain() {
        runtime.failNext("startProcess");
        TaskWorker w = worker();
        pass(w, oneTask);

        assertThat(reports.last("t1").state()).isEqualTo(State.FAILED);
        assertThat(reports.last("t1").error()).isEqualTo("startProcess failed");
        assertThat(runtime.sandboxes).as("the launcher undid the sandbox").isEmpty();

        clock.addAndGet(TaskWorker.MIN_BACKOFF.toMillis());
        w.pass();
        assertThat(reports.last("t1").state()).isEqualTo(State.RUNNING);
        assertThat(runtime.running).containsExactly("web.1");
    }

    @Test
    void stopsAndForgetsATaskNoLongerPlacedHere() {
        TaskWorker w = worker();
        pass(w, oneTask);
        runtime.calls.clear();

        pass(w, oneTask.edit().remove(RecordKind.TASK, "t1", 2).build(2));

        assertThat(runtime.calls).containsExactly("stopProcess web.1", "detach t1", "removeSandbox web.1");
        assertThat(reports.forgotten).containsExactly("t1");
        assertThat(w.running()).isZero();
    }

    @Test
    void anImageUpdateReplacesTheContainer() {
        TaskWorker w = worker();
        pass(w, oneTask);
        runtime.calls.clear();

        pass(w, oneTask.edit().put(web.withContainer(ContainerSpec.of("swarmnet/echo:2")), 2).build(2));

        assertThat(runtime.calls).containsExactly("stopProcess web.1", "detach t1", "removeSandbox web.1",
                "createSandbox web.1", "attach t1", "startProcess web.1");
        assertThat(reports.last("t1").state()).isEqualTo(State.RUNNING);
    }

    @Test
    void aRestartedWorkerAdoptsWhatRunsAndRemovesWhatNobodyWants() {
        runtime.sandboxes.add("web.1");
        runtime.running.add("web.1");
        runtime.sandboxes.add("old.1");
        TaskWorker w = worker();
        pass(w, oneTask);

        assertThat(runtime.calls).as("re-attached, not started twice; the leftover removed")
                .containsExactly("attach t1", "removeSandbox old.1");
        assertThat(reports.last("t1").state()).isEqualTo(State.RUNNING);
        assertThat(reports.last("t1").message()).contains("adopted");
        assertThat(w.running()).isEqualTo(1);
    }

    @Test
    void anEngineThatDoesNotAnswerRejectsTheTasksAndNothingStartsUntilItDoes() {
        runtime.engineDown = true;
        TaskWorker w = worker();
        pass(w, oneTask);

        assertThat(runtime.calls).as("nothing starts before what runs is known").isEmpty();
        assertThat(reports.last("t1").state()).isEqualTo(State.REJECTED);
        assertThat(reports.last("t1").error()).isEqualTo("Cannot connect to the Docker daemon");

        runtime.engineDown = false;
        w.pass();
        assertThat(runtime.calls).containsExactly("createSandbox web.1", "attach t1", "startProcess web.1");
        assertThat(reports.last("t1").state()).isEqualTo(State.RUNNING);
    }

    @Test
    void aReportTheStoreRefusedIsMadeAgain() {
        reports.refuse = true;
        TaskWorker w = worker();
        pass(w, oneTask);
        assertThat(reports.states("t1")).isEmpty();

        reports.refuse = false;
        w.pass();
        assertThat(reports.states("t1")).containsExactly(State.RUNNING);
    }

    /** Reports in memory; refuses every report while {@code refuse} is set. */
    static final class Reports implements TaskReporter {
        final List<TaskReport> made = new ArrayList<>();
        final List<String> forgotten = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean report(TaskReport report) {
            if (refuse) {
                return false;
            }
            made.add(report);
            return true;
        }

        @Override
        public void forget(String taskId) {
            forgotten.add(taskId);
        }

        List<State> states(String taskId) {
            return made.stream().filter(r -> r.taskId().equals(taskId)).map(TaskReport::state).toList();
        }

        TaskReport last(String taskId) {
            List<TaskReport> of = made.stream().filter(r -> r.taskId().equals(taskId)).toList();
            return of.get(of.size() - 1);
        }
    }

    /** Runs each operation on the calling thread, so a pass is one deterministic sequence. */
    static final class SameThread extends AbstractExecutorService {
        private boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
