package io.swarmnet.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's program runs and sleeps until killed; its image's archive is one the tar tool reads. */
class PauseImageTest {

    @Test
    void theProgramSleepsUntilKilled(@TempDir Path dir) throws Exception {
        assumeThat(System.getProperty("os.arch")).as("the program is x86-64 code").isIn("amd64", "x86_64");
        Path program = dir.resolve("pause");
        Files.write(program, PauseImage.program());
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process p = new ProcessBuilder(program.toString()).start();
        try {
            assertThat(p.waitFor(300, TimeUnit.MILLISECONDS)).as("still running after 300 ms").isFalse();
            p.destroy();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("SIGTERM ends it outside a container").isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theArchiveHoldsTheProgramExecutable(@TempDir Path dir) throws IOException, InterruptedException {
        Path tar = dir.resolve("rootfs.tar");
        Files.write(tar, PauseImage.rootfsTar());
        assertThat(Files.size(tar) % 512).isZero();

        Process p = new ProcessBuilder("tar", "-tvf", tar.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(listing).isZero();
        assertThat(listing.strip()).startsWith("-rwxr-xr-x root/root").endsWith(" pause")
                .contains(" " + PauseImage.program().length + " ");
    }
}
