package io.swarmnet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The cgroup hierarchies this machine mounts, read from {@code /proc/self/mountinfo}:
 * a lab host's dockerd needs them mounted again, because {@code ip netns exec} gives
 * it a fresh {@code /sys} where {@code /sys/fs/cgroup} is empty.
 *
 * <p>Whatever the layout (cgroup v1 with a tmpfs holding one mount per controller, the
 * hybrid one with {@code unified} beside them, or cgroup v2 alone on
 * {@code /sys/fs/cgroup}), the dockerd sees the same hierarchies as the machine, so
 * its containers' cgroups land where {@code lab down} finds and removes them.
 */
final class CgroupMounts {
    static final Path PROC_MOUNTINFO = Path.of("/proc/self/mountinfo");
    static final String SYS_CGROUP = "/sys/fs/cgroup";

    /**
     * One mount from mountinfo.
     *
     * @param fsType {@code tmpfs}, {@code cgroup} or {@code cgroup2}
     * @param mountPoint where it is mounted
     * @param superOptions the filesystem's own options, {@code rw,cpu,cpuacct}
     */
    record Mount(String fsType, String mountPoint, String superOptions) {
        boolean hierarchy() {
            return fsType.equals("cgroup") || fsType.equals("cgroup2");
        }
    }

    private final List<Mount> mounts;

    private CgroupMounts(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** The cgroup mounts of this process's mount namespace. */
    static CgroupMounts ofThisMachine() {
        try {
            return parse(Files.readString(PROC_MOUNTINFO));
        } catch (IOException e) {
            throw new LabException("cannot read " + PROC_MOUNTINFO + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the cgroup and cgroup2 mounts, and the tmpfs at /sys/fs/cgroup that holds v1 hierarchies. */
    static CgroupMounts parse(String mountinfo) {
        List<Mount> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            // "36 31 0:33 / /sys/fs/cgroup/devices rw,nosuid shared:17 - cgroup cgroup rw,devices"
            String[] f = line.strip().split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 5 || f.length < dash + 4) {
                continue;
            }
            Mount m = new Mount(f[dash + 1], f[4], f[dash + 3]);
            if (m.hierarchy() || m.fsType().equals("tmpfs") && m.mountPoint().equals(SYS_CGROUP)) {
                out.add(m);
            }
        }
        return new CgroupMounts(out);
    }

    /** The mount points of every hierarchy, where the cgroups themselves are directories. */
    List<Path> hierarchies() {
        return mounts.stream().filter(Mount::hierarchy).map(m -> Path.of(m.mountPoint())).toList();
    }

    /**
     * The shell commands that mount again, in a fresh {@code /sys}, every hierarchy the
     * machine has under {@code /sys/fs/cgroup}, in the machine's order (the holding
     * tmpfs first). The tmpfs is a new one, writable, since the machine's may be read-only.
     */
    List<String> remountCommands() {
        List<String> out = new ArrayList<>();
        for (Mount m : mounts) {
            if (!m.mountPoint().equals(SYS_CGROUP) && !m.mountPoint().startsWith(SYS_CGROUP + "/")) {
                continue;
            }
            if (m.fsType().equals("tmpfs")) {
                out.add("mount -t tmpfs -o mode=755 cgroup_root " + SYS_CGROUP);
                continue;
            }
            if (!m.mountPoint().equals(SYS_CGROUP)) {
                out.add("mkdir -p " + m.mountPoint());
            }
            // WARNING: the options must be the machine's own. Mounting a hierarchy again
            // attaches to the existing one, and for cgroup2 the new mount's flags
            // (nsdelegate, memory_recursiveprot) replace the machine-wide ones.
            String options = options(m.superOptions());
            out.add("mount -t " + m.fsType() + (options.isEmpty() ? "" : " -o " + options) + " " + m.fsType()
                    + " " + m.mountPoint());
        }
        return out;
    }

    // "rw" and "ro" are how the machine mounted it, not what the hierarchy is.
    static String options(String superOptions) {
        return Arrays.stream(superOptions.split(","))
                .filter(o -> !o.isEmpty() && !o.equals("rw") && !o.equals("ro"))
                .collect(Collectors.joining(","));
    }
}
