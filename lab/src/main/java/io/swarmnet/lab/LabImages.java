package io.swarmnet.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's images, built offline from what this machine has installed, since no
 * registry is reachable from a lab (and {@code docker pull} is never tried):
 * <ul>
 *   <li>{@value #ECHO}: a static busybox whose command answers HTTP with one line naming
 *       the task, like {@code swarmnet echo-server}; its tools (sh, wget, nslookup, ip,
 *       nc...) are there for {@code docker exec}.</li>
 *   <li>{@value #NGINX}: Debian's nginx with exactly the libraries {@code ldd} lists, a
 *       busybox shell and an entrypoint that proxies to {@code $UPSTREAM} when it is set.</li>
 * </ul>
 * Each rootfs is a tree under {@code <state>/images/}, tarred once per {@code lab up}
 * and given to every host's dockerd with {@code docker import}.
 */
final class LabImages {
    static final String ECHO = "swarmnet/echo:latest";
    static final String NGINX = "swarmnet/nginx:latest";
    private static final Pattern LDD_PATH = Pattern.compile("(/\\S+) \\(0x");

    /**
     * A rootfs tarball and what {@code docker import} gives it.
     *
     * @param tag the image name
     * @param tarball the rootfs as a tar
     * @param changes Dockerfile instructions for {@code docker import --change}
     */
    record Image(String tag, Path tarball, List<String> changes) {
    }

    private final CommandRunner runner;
    private final Path dir;

    LabImages(CommandRunner runner, Path dir) {
        this.runner = runner;
        this.dir = dir;
    }

    /** Builds both rootfs trees and their tarballs. */
    List<Image> build(Path busybox, Path nginx) {
        return List.of(echo(busybox), nginx(busybox, nginx));
    }

    private Image echo(Path busybox) {
        Path root = dir.resolve("echo");
        busybox(root, busybox);
        write(root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        write(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        resource("echo-server", root.resolve("bin/echo-server"));
        resource("index.cgi", root.resolve("www/cgi-bin/index.cgi"));
        directory(root.resolve("tmp"), "rwxrwxrwx");
        return new Image(ECHO, tar(root), List.of("CMD [\"/bin/echo-server\"]", "ENV PATH=/bin", "EXPOSE 80"));
    }

    private Image nginx(Path busybox, Path nginx) {
        Path root = dir.resolve("nginx");
        busybox(root, busybox);
        copy(nginx, root.resolve("usr/sbin/nginx"));
        for (Path lib : libraries(nginx)) {
            copy(lib, root.resolve(lib.toString().substring(1)));
        }
        copy(Path.of("/etc/nginx/mime.types"), root.resolve("etc/nginx/mime.types"));
        write(root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n"
                + "www-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        write(root.resolve("etc/group"), "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n");
        write(root.resolve("etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        write(root.resolve("usr/share/nginx/html/index.html"), "swarmnet nginx\n");
        for (String writable : List.of("var/log/nginx", "var/lib/nginx", "run", "tmp")) {
            directory(root.resolve(writable), "rwxrwxrwx");
        }
        resource("nginx-entrypoint.sh", root.resolve("docker-entrypoint.sh"));
        return new Image(NGINX, tar(root), List.of("CMD [\"/docker-entrypoint.sh\"]", "ENV PATH=/usr/sbin:/bin",
                "EXPOSE 80"));
    }

    /** The shared libraries {@code ldd} says a binary loads, the dynamic loader included. */
    List<Path> libraries(Path binary) {
        Set<Path> libs = new LinkedHashSet<>();
        Matcher m = LDD_PATH.matcher(runner.check("ldd", binary.toString()));
        while (m.find()) {
            libs.add(Path.of(m.group(1)));
        }
        return List.copyOf(libs);
    }

    // The static busybox as /bin/busybox and every applet as a link to it.
    private void busybox(Path root, Path busybox) {
        copy(busybox, root.resolve("bin/busybox"));
        for (String applet : runner.check(busybox.toString(), "--list").split("\n")) {
            String a = applet.strip();
            if (!a.isEmpty() && !a.equals("busybox") && !a.contains("/")) {
                try {
                    Files.createSymbolicLink(root.resolve("bin").resolve(a), Path.of("busybox"));
                } catch (IOException e) {
                    throw new LabException("cannot link " + a + " in " + root + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private Path tar(Path root) {
        Path tarball = root.resolveSibling(root.getFileName() + ".tar");
        runner.check("tar", "--numeric-owner", "-C", root.toString(), "-cf", tarball.toString(), ".");
        return tarball;
    }

    /** Imports every image into every host's dockerd, all hosts at once. */
    void importInto(List<Image> images, List<Path> sockets) {
        LabDockerd.onEach(sockets, socket -> {
            for (Image image : images) {
                List<String> args = new ArrayList<>(List.of("import"));
                image.changes().forEach(c -> args.addAll(List.of("--change", c)));
                args.addAll(List.of(image.tarball().toString(), image.tag()));
                runner.check(LabDockerd.docker(socket, args));
            }
            return null;
        });
    }

    /**
     * {@code docker load -i TARBALL} into every host's dockerd, all at once.
     *
     * @return the images loaded, as {@code docker load} names them
     */
    List<String> load(Path tarball, List<LabHost> hosts) {
        List<List<String>> loaded = LabDockerd.onEach(hosts, h -> {
            CommandRunner.Result r = runner.run(LabDockerd.LOAD_TIMEOUT,
                    LabDockerd.docker(h.dockerSocket(), List.of("load", "-i", tarball.toString())));
            if (!r.ok()) {
                throw new LabException("docker load of " + tarball + " into " + h.name() + " failed"
                        + CommandRunner.firstLine(r.stderr(), ": "));
            }
            return r.stdout().lines().filter(l -> l.startsWith("Loaded image")).map(l -> l.replaceFirst("^[^:]*: ", ""))
                    .toList();
        });
        return loaded.get(0);
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LabException("cannot copy " + from + " into an image: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void directory(Path dir, String mode) {
        try {
            Files.createDirectories(dir);
            // Set explicitly: the umask must not decide what a container may write.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new LabException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    // The images' scripts live as files beside this class, to be read as shell.
    private static void resource(String name, Path to) {
        try (InputStream in = LabImages.class.getResourceAsStream("images/" + name)) {
            if (in == null) {
                throw new LabException("missing resource images/" + name + " in the swarmnet jar");
            }
            Files.createDirectories(to.getParent());
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new LabException("cannot write " + to + ": " + e.getMessage(), e);
        }
    }
}
