package io.swarmnet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks made before a lab command touches anything: root, Linux, and the tools it runs. */
public final class Preflight {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private Preflight() {
    }

    /** Throws unless this process runs with effective uid 0 on Linux. */
    public static void requireRoot() {
        String status;
        try {
            status = Files.readString(PROC_STATUS);
        } catch (IOException e) {
            throw new LabException("the lab needs Linux network namespaces; cannot read " + PROC_STATUS);
        }
        requireRoot(effectiveUid(status));
    }

    static void requireRoot(int euid) {
        if (euid != 0) {
            throw new LabException("the lab needs root (it creates network namespaces); run it as root or with sudo");
        }
    }

    /** The effective uid from the {@code Uid:} line of {@code /proc/PID/status} (real, effective, saved, fs). */
    static int effectiveUid(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                if (f.length >= 2) {
                    return Integer.parseInt(f[1]);
                }
            }
        }
        throw new LabException("cannot tell the effective uid from /proc/self/status");
    }

    /** Finds an executable on the PATH. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Finds a tool the lab needs on the PATH, or names the Debian package that has it. */
    static Path require(String name, String debianPackage) {
        return onPath(name).orElseThrow(() -> new LabException(
                name + " not found on PATH; install it (apt-get install " + debianPackage + ")"));
    }

    /** The etcd binary: the one given, which must exist, or {@code etcd} on the PATH. */
    static Path etcd(Path given) {
        if (given != null) {
            if (!Files.isRegularFile(given) || !Files.isExecutable(given)) {
                throw new LabException("etcd not found at " + given + " (--etcd must name an executable file)");
            }
            return given;
        }
        return onPath("etcd").orElseThrow(() -> new LabException(
                "etcd not found on PATH; install it (apt-get install etcd-server) or pass --etcd PATH"));
    }

    /** {@code etcdctl} beside the etcd binary, as the etcd release tarballs ship them, else on the PATH. */
    static Path etcdctl(Path etcd) {
        Path sibling = etcd.toAbsolutePath().resolveSibling("etcdctl");
        if (Files.isRegularFile(sibling) && Files.isExecutable(sibling)) {
            return sibling;
        }
        return onPath("etcdctl").orElseThrow(() -> new LabException(
                "etcdctl not found beside " + etcd + " or on PATH; install it (apt-get install etcd-client)"));
    }
}
