package io.swarmnet.node.task;

import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.RestartCondition;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.model.TaskReport.State;
import io.swarmnet.control.view.ClusterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's half of swarm's orchestration: runs the container tasks the cluster places on
 * this node, and says how each one is doing.
 *
 * <p>On every view update and every {@link #POLL} it compares the tasks the view places here
 * (of services with a container spec) with what it runs: it starts the missing ones through
 * the {@link TaskLauncher} (sandbox, network, then process), stops the ones no longer
 * placed here (SIGTERM, then SIGKILL after the service's grace period), replaces the ones
 * whose image changed, and restarts the ones whose container exited as their restart
 * condition says, after a backoff that doubles from {@link #MIN_BACKOFF} to
 * {@link #MAX_BACKOFF}. Each change of a task's state goes to the {@link TaskReporter}.
 *
 * <p>After an agent restart, its first pass adopts what an earlier agent left: a task whose
 * sandbox and container run is kept and re-attached (which re-plumbs a sandbox that lost its
 * interfaces), anything else of this node's is removed, so nothing runs twice.
 *
 * <p>Threads: passes run on one scheduler thread; the starts and stops of one pass run in
 * parallel on {@code operations}, and the pass waits for them.
 */
public final class TaskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** A task this node should run: what to start and when to start it again. */
    record Wanted(TaskSpec spec, RestartCondition restart) {
    }

    /** What the worker knows of one task: touched by the scheduler thread, and by one operation at a time. */
    private static final class Slot {
        Wanted wanted;
        RunningTask running;
        int failures;
        long notBefore;
        boolean finished;
        TaskReport lastReport;

        Slot(Wanted wanted) {
            this.wanted = wanted;
        }
    }

    private final String nodeId;
    private final TaskLauncher launcher;
    private final TaskReporter reporter;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService operations;
    private final LongSupplier clock;
    private final Map<String, Slot> slots = new HashMap<>();
    private volatile ClusterView view = ClusterView.EMPTY;
    private boolean adopted;
    private volatile boolean closed;

    /**
     * @param scheduler  runs the passes; the worker shuts it down on close
     * @param operations runs the starts and stops of a pass; the worker shuts it down on close
     * @param clock      wall-clock milliseconds, for backoffs and reports
     */
    public TaskWorker(String nodeId, TaskLauncher launcher, TaskReporter reporter, ScheduledExecutorService scheduler,
                      ExecutorService operations, LongSupplier clock) {
        this.nodeId = nodeId;
        this.launcher = launcher;
        this.reporter = reporter;
        this.scheduler = scheduler;
        this.operations = operations;
        this.clock = clock;
    }

    /** Starts polling the runtime. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::passSafely, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes a new view and runs a pass soon. */
    public void onView(ClusterView newView) {
        takeView(newView);
        if (!closed) {
            scheduler.execute(this::passSafely);
        }
    }

    /** Takes a new view for the next pass. */
    void takeView(ClusterView newView) {
        view = newView;
    }

    /**
     * The tasks {@code view} places on node {@code nodeId} that the worker runs: those of
     * services with a container spec, by task id.
     */
    static Map<String, Wanted> wanted(String nodeId, ClusterView view) {
        Map<String, Wanted> out = new LinkedHashMap<>();
        for (Task t : view.tasksOn(nodeId)) {
            Service s = view.service(t.serviceId()).orElse(null);
            if (s == null || s.container() == null) {
                continue;
            }
            ContainerSpec c = s.container();
            String name = s.name() + "." + (s.mode() == ServiceMode.GLOBAL ? t.nodeId() : Integer.toString(t.slot()));
            Map<String, String> env = new LinkedHashMap<>();
            for (String e : c.env()) {
                int eq = e.indexOf('=');
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
            env.putIfAbsent("SWARMNET_TASK_NAME", name);
            env.putIfAbsent("SWARMNET_TASK_ID", t.id());
            env.putIfAbsent("SWARMNET_SERVICE_NAME", s.name());
            TaskSpec spec = new TaskSpec(t.id(), name, c.image(), s.command(), env, c.hostname(),
                    Duration.ofSeconds(c.stopGracePeriodSeconds()));
            out.put(t.id(), new Wanted(spec, c.restartCondition()));
        }
        return out;
    }

    private void passSafely() {
        if (closed) {
            return;
        }
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warn("task pass failed, retrying in {} ms: {}", POLL.toMillis(), e.toString());
        }
    }

    /** One comparison of what the view wants with what runs, and the work to close the gap. Scheduler thread only. */
    void pass() {
        ClusterView current = view;
        if (current.revision() == 0) {
            return;
        }
        Map<String, Wanted> want = wanted(nodeId, current);
        if (!adopted) {
            try {
                adopt(want);
            } catch (RuntimeException e) {
                // Nothing starts before what runs is known, or a task could run twice.
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                for (Wanted w : want.values()) {
                    report(slots.computeIfAbsent(w.spec().id(), id -> new Slot(w)), State.REJECTED,
                            "the engine does not answer", why);
                }
                LOG.warn("cannot list this node's tasks on the engine, retrying in {} ms: {}", POLL.toMillis(), why);
                return;
            }
            adopted = true;
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (var it = slots.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!want.containsKey(e.getKey())) {
                Slot slot = e.getValue();
                it.remove();
                work.add(CompletableFuture.runAsync(() -> remove(slot), operations));
            }
        }
        long now = clock.getAsLong();
        for (Wanted w : want.values()) {
            Slot slot = slots.computeIfAbsent(w.spec().id(), id -> new Slot(w));
            boolean replaced = !Objects.equals(slot.wanted.spec().image(), w.spec().image());
            slot.wanted = w;
            if (replaced) {
                slot.finished = false;
                slot.failures = 0;
                slot.notBefore = 0;
            }
            if (slot.running != null) {
                work.add(CompletableFuture.runAsync(() -> check(slot, replaced, now), operations));
            } else if (!slot.finished && now >= slot.notBefore) {
                work.add(CompletableFuture.runAsync(() -> start(slot), operations));
            }
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
    }

    /** What an earlier agent left: keeps and re-plumbs the tasks still wanted and running, removes the rest. */
    private void adopt(Map<String, Wanted> want) {
        TaskRuntime runtime = launcher.runtime();
        Set<String> keep = new HashSet<>();
        for (Wanted w : want.values()) {
            var found = runtime.find(w.spec(), "");
            if (found.isEmpty()) {
                continue;
            }
            RunningTask task = found.get();
            try {
                String ip = launcher.network().attach(task.taskId(), task.sandbox().netns());
                Slot slot = new Slot(w);
                slot.running = new RunningTask(task.taskId(), task.name(), task.sandbox(), ip, task.process(), task.log());
                slots.put(task.taskId(), slot);
                keep.add(task.sandbox().name());
                report(slot, State.RUNNING, "adopted after an agent restart", null);
                LOG.info("adopted task {} ({}) at {}", task.name(), task.taskId(), ip);
            } catch (Exception e) {
                LOG.warn("cannot re-attach task {} ({}), starting it again: {}", task.name(), task.taskId(), e.getMessage());
            }
        }
        List<String> problems = new ArrayList<>();
        for (String sandbox : runtime.sandboxes()) {
            if (!keep.contains(sandbox)) {
                LOG.info("removing sandbox {}, which no task wanted here owns", sandbox);
                runtime.removeSandbox(sandbox, problems);
            }
        }
        problems.forEach(p -> LOG.warn("{}", p));
    }

    private void start(Slot slot) {
        TaskSpec spec = slot.wanted.spec();
        report(slot, State.STARTING, "starting", null);
        try {
            long[] networkReady = {-1};
            slot.running = launcher.start(spec, nanos -> networkReady[0] = nanos);
            slot.notBefore = 0;
            report(slot, State.RUNNING, "started", null);
            LOG.info("started task {} ({}) from {} at {}; network ready {} ms after its sandbox started", spec.name(),
                    spec.id(), spec.image(), slot.running.ip(), String.format(java.util.Locale.ROOT, "%.1f",
                            networkReady[0] / 1e6));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            failed(slot, why);
            report(slot, State.FAILED, "starting failed", why);
            LOG.warn("cannot start task {} ({}): {}; next try in {} ms", spec.name(), spec.id(), why,
                    slot.notBefore - clock.getAsLong());
        }
    }

    private void check(Slot slot, boolean replaced, long now) {
        RunningTask task = slot.running;
        if (replaced) {
            stop(slot, "replaced by " + slot.wanted.spec().image());
            start(slot);
            return;
        }
        TaskStatus status = launcher.runtime().status(task);
        if (status.state() == TaskState.RUNNING) {
            // Again, in case the store refused the report the start made.
            report(slot, State.RUNNING, "started", null);
            if (slot.failures > 0 && slot.lastReport != null && now - slot.lastReport.sinceMillis() > MAX_BACKOFF.toMillis()) {
                slot.failures = 0;
            }
            return;
        }
        List<String> problems = new ArrayList<>();
        launcher.stop(task, problems);
        problems.forEach(p -> LOG.warn("{}", p));
        slot.running = null;
        boolean complete = status.state() == TaskState.COMPLETE;
        RestartCondition restart = slot.wanted.restart();
        if (complete) {
            report(slot, State.COMPLETE, "finished", null);
        } else {
            report(slot, State.FAILED, "exited", status.reason());
        }
        if (restart.restarts(complete ? 0 : 1)) {
            failed(slot, status.reason());
            LOG.info("task {} ({}) {}; restarting it in {} ms ({} restart condition)", task.name(), task.taskId(),
                    complete ? "finished" : status.reason(), slot.notBefore - clock.getAsLong(), restart.label());
        } else {
            slot.finished = true;
            LOG.info("task {} ({}) {}; not restarting it ({} restart condition)", task.name(), task.taskId(),
                    complete ? "finished" : status.reason(), restart.label());
        }
    }

    private void failed(Slot slot, String why) {
        slot.failures++;
        long backoff = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(16, slot.failures - 1));
        slot.notBefore = clock.getAsLong() + backoff;
    }

    private void stop(Slot slot, String why) {
        if (slot.running == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        launcher.stop(slot.running, problems);
        problems.forEach(p -> LOG.warn("{}", p));
        LOG.info("stopped task {} ({}): {}", slot.running.name(), slot.running.taskId(), why);
        slot.running = null;
    }

    /** Stops a task no longer placed here and forgets it. */
    private void remove(Slot slot) {
        if (slot.running != null) {
            stop(slot, "no longer placed on this node");
        } else {
            // Failed or finished: what is left of it, if anything.
            List<String> problems = new ArrayList<>();
            launcher.runtime().removeSandbox(launcher.runtime().sandboxName(slot.wanted.spec()), problems);
            problems.forEach(p -> LOG.warn("{}", p));
        }
        reporter.forget(slot.wanted.spec().id());
    }

    private void report(Slot slot, State state, String message, String error) {
        TaskReport last = slot.lastReport;
        if (last != null && last.state() == state && Objects.equals(last.error(), error)) {
            return;
        }
        TaskReport report = new TaskReport(slot.wanted.spec().id(), nodeId, state, message, error, clock.getAsLong());
        if (reporter.report(report)) {
            slot.lastReport = report;
        }
    }

    /** How many tasks the worker runs now. */
    public int running() {
        return (int) slots.values().stream().filter(s -> s.running != null).count();
    }

    /**
     * Stops the passes and closes the runtime when it holds a connection; the containers
     * run on for the next agent to adopt, as Docker's live restore keeps them.
     * {@link #removeAll} removes them instead, as {@code swarmnet agent --cleanup} asks.
     */
    @Override
    public void close() {
        stopPasses();
        operations.shutdown();
        if (launcher.runtime() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the task runtime: {}", e.toString());
            }
        }
    }

    private void stopPasses() {
        closed = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a task pass still runs after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops and removes every task this worker runs; for {@code --cleanup}. Call before {@link #close()}. */
    public void removeAll() {
        stopPasses();
        for (Slot slot : slots.values()) {
            remove(slot);
        }
        slots.clear();
    }
}
