package io.swarmnet.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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

    /**
     * The tools a lab with Docker needs: dockerd and its CLI, and what builds the
     * images (tar, ldd, nginx, a static busybox).
     */
    static void requireDocker() {
        onPath("dockerd").orElseThrow(() -> new LabException(
                "dockerd not found on PATH; install it (apt-get install docker.io) or run 'lab up --no-docker'"));
        require("docker", "docker.io");
        require("tar", "tar");
        require("ldd", "libc-bin");
        nginx();
        busybox();
    }

    /** The nginx binary that goes into the lab's nginx image. */
    static Path nginx() {
        return require("nginx", "nginx-light");
    }

    /**
     * The busybox on the PATH, which must be statically linked: it is the whole
     * userland of the lab's images, where there is no libc beside it.
     */
    static Path busybox() {
        Path busybox = require("busybox", "busybox-static");
        if (dynamic(busybox)) {
            throw new LabException(busybox + " is linked dynamically; the lab's images need a static busybox"
                    + " (apt-get install busybox-static)");
        }
        return busybox;
    }

    /**
     * True when an ELF binary names a program interpreter (PT_INTERP), i.e. it needs the
     * dynamic loader; false for a static one. ELF64 little-endian only, the lab's platform.
     */
    static boolean dynamic(Path binary) {
        final int ptInterp = 3;
        try (FileChannel ch = FileChannel.open(binary)) {
            ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            if (header.getInt(0) != 0x464c457f || header.get(4) != 2) {
                throw new LabException(binary + " is not a 64-bit ELF binary");
            }
            long phoff = header.getLong(0x20);
            int phentsize = header.getShort(0x36) & 0xffff;
            int phnum = header.getShort(0x38) & 0xffff;
            ByteBuffer entry = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                entry.clear();
                ch.read(entry, phoff + (long) i * phentsize);
                if (entry.getInt(0) == ptInterp) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new LabException("cannot read " + binary + ": " + e.getMessage(), e);
        }
    }
}
