package io.swarmnet.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs each task as two Docker containers on the node's engine, in Docker's own order for
 * a network it does not own: a sandbox container ({@link PauseImage}, {@code --network
 * none}, the task's hostname) whose network namespace the agent plumbs, and then the task's
 * container, which joins it ({@code network_mode: container:<sandbox>}) with
 * {@code /etc/resolv.conf} bound to the embedded resolver's. So the task's process starts
 * with its interfaces, its routes and 127.0.0.11 in place, as with Docker's networks.
 *
 * <p>Containers carry labels ({@code swarmnet.task.id}, {@code swarmnet.node.id},
 * {@code swarmnet.role}) by which a restarted agent finds them again. It never pulls: an
 * image the engine lacks fails the task with the engine's "No such image" error.
 */
public final class DockerTaskRuntime implements TaskRuntime, AutoCloseable {
    public static final String LABEL_TASK_ID = "swarmnet.task.id";
    public static final String LABEL_TASK_NAME = "swarmnet.task.name";
    public static final String LABEL_NODE_ID = "swarmnet.node.id";
    public static final String LABEL_ROLE = "swarmnet.role";
    public static final String LABEL_SANDBOX = "swarmnet.sandbox";
    static final String LABEL_STOP_GRACE = "swarmnet.stop-grace-seconds";
    static final String ROLE_SANDBOX = "sandbox";
    static final String ROLE_TASK = "task";
    static final String SANDBOX_SUFFIX = ".sandbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerClient docker;
    private final DockerHttpClient http;
    private final String host;
    private final String nodeId;
    private final Path resolvConf;
    private volatile boolean pauseImageReady;

    private DockerTaskRuntime(DockerClient docker, DockerHttpClient http, String host, String nodeId, Path resolvConf) {
        this.docker = docker;
        this.http = http;
        this.host = host;
        this.nodeId = nodeId;
        this.resolvConf = resolvConf;
    }

    /**
     * A runtime on the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}),
     * for node {@code nodeId}. Nothing is asked of the engine yet: a missing engine fails
     * each task until it answers, as Docker's own agent does.
     *
     * @param stateDir where the tasks' resolv.conf is kept; bound read-only into every task
     */
    public static DockerTaskRuntime connect(String dockerHost, String nodeId, Path stateDir) throws IOException {
        URI uri = URI.create(dockerHost);
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).withDockerTlsVerify(false).build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(uri)
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(60)).build();
        Files.createDirectories(stateDir);
        Path resolv = stateDir.resolve("resolv.conf");
        Files.writeString(resolv, NamespaceTaskRuntime.RESOLV_CONF);
        return new DockerTaskRuntime(DockerClientImpl.getInstance(config, http), http, dockerHost, nodeId, resolv);
    }

    /**
     * Asks the engine whether it answers.
     *
     * @throws IOException in Docker's words: "Cannot connect to the Docker daemon at ..."
     */
    public void ping() throws IOException {
        call(() -> docker.pingCmd().exec());
    }

    @Override
    public Sandbox createSandbox(TaskSpec spec) throws IOException {
        ensurePauseImage();
        String name = sandboxName(spec);
        removeQuietly(name);
        Map<String, String> labels = labels(spec, ROLE_SANDBOX);
        CreateContainerCmd create = docker.createContainerCmd(PauseImage.REFERENCE).withName(name)
                .withCmd(PauseImage.PROGRAM).withLabels(labels)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"));
        if (spec.hostname() != null) {
            create.withHostName(spec.hostname());
        }
        String id = call(() -> create.exec()).getId();
        call(() -> docker.startContainerCmd(id).exec());
        long pid = pidOf(call(() -> docker.inspectContainerCmd(id).exec()));
        if (pid <= 0) {
            throw new IOException("sandbox " + name + " stopped as it started");
        }
        return new Sandbox(name, netnsOf(pid));
    }

    @Override
    public RunningTask startProcess(TaskSpec spec, Sandbox sandbox, String ip) throws IOException {
        if (spec.image() == null) {
            throw new IOException("task " + spec.name() + " has no image: the Docker runtime runs containers only");
        }
        String name = containerName(spec);
        removeQuietly(name);
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        Map<String, String> labels = labels(spec, ROLE_TASK);
        labels.put(LABEL_SANDBOX, sandbox.name());
        labels.put(LABEL_STOP_GRACE, Long.toString(spec.stopGrace().toSeconds()));
        CreateContainerCmd create = docker.createContainerCmd(spec.image()).withName(name).withEnv(env).withLabels(labels)
                .withStopTimeout((int) Math.min(Integer.MAX_VALUE, spec.stopGrace().toSeconds()))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("container:" + sandbox.name())
                        .withBinds(new Bind(resolvConf.toString(), new Volume("/etc/resolv.conf"), AccessMode.ro)));
        if (!spec.command().isEmpty()) {
            create.withCmd(spec.command());
        }
        String id = call(() -> create.exec()).getId();
        call(() -> docker.startContainerCmd(id).exec());
        return running(spec, sandbox, ip, call(() -> docker.inspectContainerCmd(id).exec()));
    }

    /** The task as its container's inspection shows it: its process pinned to its start time, its log. */
    private static RunningTask running(TaskSpec spec, Sandbox sandbox, String ip, InspectContainerResponse task) {
        long pid = pidOf(task);
        ProcessRef process = ProcessRef.of(pid).orElse(new ProcessRef(pid, 0));
        String log = task.getLogPath();
        return new RunningTask(spec.id(), spec.name(), sandbox, ip, process, log == null || log.isEmpty() ? null : Path.of(log));
    }

    private static Path netnsOf(long pid) {
        return Path.of("/proc", Long.toString(pid), "ns", "net");
    }

    @Override
    public TaskStatus status(RunningTask task) {
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(containerName(task)).exec();
        } catch (NotFoundException e) {
            return TaskStatus.failed("its container is gone");
        } catch (RuntimeException e) {
            return TaskStatus.failed(engineError(e));
        }
        InspectContainerResponse.ContainerState state = c.getState();
        if (Boolean.TRUE.equals(state.getRunning())) {
            // The task's network lives in its sandbox: without it the task runs cut off.
            return sandboxRunning(task) ? TaskStatus.running() : TaskStatus.failed("its sandbox exited");
        }
        long code = state.getExitCodeLong() == null ? -1 : state.getExitCodeLong();
        String error = state.getError();
        if (error != null && !error.isEmpty()) {
            return TaskStatus.failed(error);
        }
        return code == 0 ? TaskStatus.complete() : TaskStatus.failed("task: non-zero exit (" + code + ")");
    }

    private boolean sandboxRunning(RunningTask task) {
        try {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(task.sandbox().name()).exec().getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            // The engine did not answer: not a verdict on the sandbox.
            return true;
        }
    }

    @Override
    public void stopProcess(RunningTask task, List<String> problems) {
        String name = containerName(task);
        try {
            InspectContainerResponse c = docker.inspectContainerCmd(name).exec();
            String grace = c.getConfig().getLabels() == null ? null : c.getConfig().getLabels().get(LABEL_STOP_GRACE);
            int seconds = grace == null ? 10 : Integer.parseInt(grace);
            if (Boolean.TRUE.equals(c.getState().getRunning())) {
                docker.stopContainerCmd(name).withTimeout(seconds).exec();
            }
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException e) {
            // Already gone.
        } catch (RuntimeException e) {
            problems.add("cannot stop container " + name + ": " + engineError(e));
        }
    }

    @Override
    public void removeSandbox(String name, List<String> problems) {
        try {
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(LABEL_SANDBOX, name)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException e) {
            // Already gone.
        } catch (RuntimeException e) {
            problems.add("cannot remove sandbox " + name + ": " + engineError(e));
        }
    }

    @Override
    public List<String> sandboxes() {
        List<String> names = new ArrayList<>();
        try {
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(LABEL_NODE_ID, nodeId, LABEL_ROLE, ROLE_SANDBOX)).exec()) {
                for (String n : c.getNames()) {
                    names.add(n.startsWith("/") ? n.substring(1) : n);
                }
            }
        } catch (RuntimeException e) {
            throw unchecked(e);
        }
        return names;
    }

    private UncheckedIOException unchecked(RuntimeException e) {
        String why = engineError(e);
        return new UncheckedIOException(why, new IOException(why, e));
    }

    @Override
    public String sandboxName(TaskSpec spec) {
        return containerName(spec) + SANDBOX_SUFFIX;
    }

    @Override
    public Optional<RunningTask> find(TaskSpec spec, String ip) {
        try {
            InspectContainerResponse sandbox = docker.inspectContainerCmd(sandboxName(spec)).exec();
            InspectContainerResponse task = docker.inspectContainerCmd(containerName(spec)).exec();
            long sandboxPid = pidOf(sandbox);
            long taskPid = pidOf(task);
            if (sandboxPid <= 0 || taskPid <= 0 || !spec.image().equals(task.getConfig().getImage())) {
                return Optional.empty();
            }
            return Optional.of(running(spec, new Sandbox(sandboxName(spec), netnsOf(sandboxPid)), ip, task));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw unchecked(e);
        }
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }

    /** {@code web.1.<task id>}, as Docker names a swarm task's container. */
    static String containerName(TaskSpec spec) {
        return spec.name() + "." + spec.id();
    }

    private static String containerName(RunningTask task) {
        return task.name() + "." + task.taskId();
    }

    private Map<String, String> labels(TaskSpec spec, String role) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_TASK_ID, spec.id());
        labels.put(LABEL_TASK_NAME, spec.name());
        labels.put(LABEL_NODE_ID, nodeId);
        labels.put(LABEL_ROLE, role);
        return labels;
    }

    private void ensurePauseImage() throws IOException {
        if (pauseImageReady) {
            return;
        }
        try {
            docker.inspectImageCmd(PauseImage.REFERENCE).exec();
        } catch (NotFoundException e) {
            String arch = call(() -> docker.infoCmd().exec()).getArchitecture();
            if (!PauseImage.runsOn(arch)) {
                throw new IOException("the sandbox image " + PauseImage.REFERENCE + " is built for x86_64 only, and the"
                        + " engine at " + host + " runs on " + arch);
            }
            importPauseImage();
        } catch (RuntimeException e) {
            throw new IOException(engineError(e), e);
        }
        pauseImageReady = true;
    }

    /**
     * {@code docker import} of the pause image. Through the HTTP client with the archive as
     * bytes: docker-java's import sends a stream chunked, and the 20.10 engine reads that
     * as a truncated archive ("Error processing tar file: unexpected EOF").
     */
    private void importPauseImage() throws IOException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.POST)
                .path("/images/create?fromSrc=-&repo=" + PauseImage.REPOSITORY + "&tag=" + PauseImage.TAG)
                .headers(Map.of("Content-Type", "application/x-tar"))
                .bodyBytes(PauseImage.rootfsTar()).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            String body = new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // The engine streams progress as JSON lines: a failure is a 4xx/5xx or an "error" line.
            if (response.getStatusCode() / 100 != 2 || body.contains("\"error\"")) {
                throw new IOException("cannot import the sandbox image " + PauseImage.REFERENCE + ": " + body.strip());
            }
        }
    }

    private void removeQuietly(String name) {
        try {
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (RuntimeException ignored) {
            // Absent, which is the usual case, or it will fail the create that follows.
        }
    }

    private static long pidOf(InspectContainerResponse c) {
        Long pid = c.getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    private interface EngineCall<T> {
        T run();
    }

    /** Runs one engine call, turning docker-java's runtime exceptions into one IOException line. */
    private <T> T call(EngineCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw new IOException(engineError(e), e);
        }
    }

    /**
     * The engine's own message ("No such image: nginx:1.25"), as Docker's CLI prints it, or
     * Docker's words for an engine that does not answer.
     */
    String engineError(RuntimeException e) {
        if (e instanceof DockerException de) {
            String body = de.getMessage();
            int brace = body == null ? -1 : body.indexOf('{');
            if (brace >= 0) {
                try {
                    JsonNode json = JSON.readTree(body.substring(brace));
                    if (json.hasNonNull("message")) {
                        return json.get("message").asText();
                    }
                } catch (IOException ignored) {
                    // Not JSON: the message as it is.
                }
            }
            return body;
        }
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IOException) {
            return "Cannot connect to the Docker daemon at " + host + ". Is the docker daemon running?";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
