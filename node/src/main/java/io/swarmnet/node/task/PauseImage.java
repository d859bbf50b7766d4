package io.swarmnet.node.task;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The image of a task's sandbox container: one static program, {@code /pause}, that sleeps
 * in {@code pause(2)} and holds the task's namespaces while the task's own container comes
 * and goes, as Kubernetes' pause container does. The agent imports it into its Docker engine
 * on first need ({@code POST /images/create?fromSrc=-}), so a node needs no registry and no
 * image of ours besides the tasks'.
 *
 * <p>The program is 129 bytes of x86-64 machine code in a minimal ELF: {@code mov eax, 34;
 * syscall; jmp} back, forever. It ignores SIGTERM as PID 1 does; the agent removes
 * sandboxes with SIGKILL.
 */
public final class PauseImage {
    /** The image reference: its tag changes whenever the program does. */
    public static final String REFERENCE = "swarmnet/pause:1";
    public static final String REPOSITORY = "swarmnet/pause";
    public static final String TAG = "1";
    /** The program's path in the image, the sandbox container's command. */
    public static final String PROGRAM = "/pause";

    private static final long BASE = 0x400000;
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    /** mov eax, 34 (pause); syscall; jmp -9 (to the mov). */
    private static final byte[] CODE = {(byte) 0xb8, 34, 0, 0, 0, 0x0f, 0x05, (byte) 0xeb, (byte) 0xf7};

    private PauseImage() {
    }

    /** Whether the engine's architecture can run the program ({@code GET /info}'s {@code Architecture}). */
    public static boolean runsOn(String architecture) {
        return "x86_64".equals(architecture) || "amd64".equals(architecture);
    }

    /** The program: an ELF64 executable for x86-64 Linux. */
    static byte[] program() {
        int size = ELF_HEADER + PROGRAM_HEADER + CODE.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2);                         // e_type: EXEC
        b.putShort((short) 0x3e);                      // e_machine: x86-64
        b.putInt(1);                                   // e_version
        b.putLong(BASE + ELF_HEADER + PROGRAM_HEADER); // e_entry
        b.putLong(ELF_HEADER);                         // e_phoff
        b.putLong(0);                                  // e_shoff
        b.putInt(0);                                   // e_flags
        b.putShort((short) ELF_HEADER);                // e_ehsize
        b.putShort((short) PROGRAM_HEADER);            // e_phentsize
        b.putShort((short) 1);                         // e_phnum
        b.putShort((short) 0);                         // e_shentsize
        b.putShort((short) 0);                         // e_shnum
        b.putShort((short) 0);                         // e_shstrndx
        b.putInt(1);                                   // p_type: LOAD
        b.putInt(5);                                   // p_flags: R+X
        b.putLong(0);                                  // p_offset
        b.putLong(BASE);                               // p_vaddr
        b.putLong(BASE);                               // p_paddr
        b.putLong(size);                               // p_filesz
        b.putLong(size);                               // p_memsz
        b.putLong(0x1000);                             // p_align
        b.put(CODE);
        return b.array();
    }

    /** The image's root file system: a tar archive holding {@code /pause}, mode 0755. */
    public static byte[] rootfsTar() {
        byte[] program = program();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tarHeader(PROGRAM.substring(1), program.length));
        out.writeBytes(program);
        out.writeBytes(new byte[padding(program.length)]);
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static int padding(int length) {
        return (512 - length % 512) % 512;
    }

    /** A ustar header of a regular file owned by root. */
    static byte[] tarHeader(String name, int size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000755");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        put(h, 265, "root");
        put(h, 297, "root");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, at, bytes.length);
    }
}
