package io.swarmnet.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Renders a {@link LabStatus} for people (aligned tables) and for scripts (JSON). */
final class LabPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LabPrinter() {
    }

    static void json(LabStatus s, PrintWriter out) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        } catch (JsonProcessingException e) {
            throw new LabException("cannot render the status as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void text(LabStatus s, PrintWriter out) {
        out.println("lab '" + s.name() + "': " + (s.healthy() ? "healthy" : s.complete() ? "NOT healthy" : "incomplete")
                + ", " + count(s.etcd().members().size(), "manager") + ", "
                + count((int) s.hosts().stream().filter(h -> h.role().equals("worker")).count(), "worker")
                + ", underlay MTU " + s.underlayMtu());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "ROLE", "NAMESPACE", "ADDRESS", "STATE"});
        for (LabStatus.Host h : s.hosts()) {
            String address = h.role().equals("fabric")
                    ? h.address() + ", " + LabHost.INTERNET_GATEWAY
                    : h.address();
            rows.add(new String[] {h.name(), h.role(), h.namespace(), address, h.present() ? "up" : "MISSING"});
        }
        table(rows, out);
        out.println();
        rows.clear();
        rows.add(new String[] {"ETCD MEMBER", "ENDPOINT", "STATE"});
        for (LabStatus.Member m : s.etcd().members()) {
            String state = !m.running() ? "NOT RUNNING" : m.healthy() ? "healthy" : "UNHEALTHY";
            rows.add(new String[] {m.name(), m.endpoint(), m.leader() ? state + ", leader" : state});
        }
        table(rows, out);
        out.println("etcd: " + (s.etcd().healthy() ? "healthy" : "NOT healthy") + ", leader "
                + (s.etcd().leader() == null ? "none" : s.etcd().leader()));
        out.println();
        if (s.dockerds().isEmpty()) {
            out.println("dockerds: none (the lab was started without Docker)");
        } else {
            rows.clear();
            rows.add(new String[] {"DOCKERD", "SOCKET", "STATE"});
            for (LabStatus.Dockerd d : s.dockerds()) {
                rows.add(new String[] {d.host(), d.socket(), !d.running() ? "NOT RUNNING" : d.answering() ? "answering" : "NOT ANSWERING"});
            }
            table(rows, out);
            long answering = s.dockerds().stream().filter(LabStatus.Dockerd::answering).count();
            out.println("dockerds: " + answering + " of " + s.dockerds().size()
                    + " answering; use one with 'docker -H unix://SOCKET'");
        }
        out.println();
        if (s.agents().isEmpty()) {
            out.println("agents: none (the lab was started with --no-agents)");
            return;
        }
        rows.clear();
        rows.add(new String[] {"AGENT", "METRICS", "STATE"});
        for (LabStatus.Agent a : s.agents()) {
            rows.add(new String[] {a.host(), a.metricsAddr(), !a.running() ? "NOT RUNNING" : a.healthy() ? "healthy" : "UNHEALTHY"});
        }
        table(rows, out);
        long healthy = s.agents().stream().filter(LabStatus.Agent::healthy).count();
        out.println("agents: " + healthy + " of " + s.agents().size() + " healthy");
    }

    /** The task table {@code lab deploy} and {@code lab scale} print: TASK, HOST, IP, NAMESPACE. */
    static void tasks(List<LabTask> tasks, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TASK", "HOST", "IP", "NAMESPACE"});
        for (LabTask t : tasks) {
            rows.add(new String[] {t.name(), t.host(), t.ip(), t.namespace()});
        }
        table(rows, out);
        out.flush();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static void table(List<String[]> rows, PrintWriter out) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(sb);
        }
    }
}
