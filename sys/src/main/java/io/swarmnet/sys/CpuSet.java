package io.swarmnet.sys;

import java.util.Arrays;
import java.util.BitSet;

/**
 * A set of CPU numbers, as {@code taskset -c} and cpusets write it: {@code 0-2,5}.
 * Immutable. Linux numbers CPUs from 0; a {@code cpu_set_t} of glibc holds
 * {@value #MAX_CPUS} of them, and so does this.
 */
public final class CpuSet {
    /** CPUs a set can name: 0 to {@code MAX_CPUS - 1}, the size of glibc's {@code cpu_set_t}. */
    public static final int MAX_CPUS = 1024;
    /** Bytes of the mask {@code sched_setaffinity} takes. */
    static final int MASK_BYTES = MAX_CPUS / 8;

    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = cpus;
    }

    /**
     * Parses a CPU list: numbers and ranges separated by commas, e.g. {@code 3} or
     * {@code 0-1,4}.
     *
     * @throws IllegalArgumentException naming the part that is wrong: an empty list or
     *         element, a non-number, a range whose end is below its start, or a CPU of
     *         {@value #MAX_CPUS} or more
     */
    public static CpuSet parse(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("empty CPU list");
        }
        BitSet cpus = new BitSet();
        for (String element : list.split(",", -1)) {
            String e = element.strip();
            int dash = e.indexOf('-', 1);
            int first = cpu(list, dash < 0 ? e : e.substring(0, dash));
            int last = dash < 0 ? first : cpu(list, e.substring(dash + 1));
            if (last < first) {
                throw new IllegalArgumentException("CPU list '" + list + "': range " + e + " ends below its start");
            }
            cpus.set(first, last + 1);
        }
        return new CpuSet(cpus);
    }

    /** Returns the set of the given CPUs. */
    public static CpuSet of(int... cpus) {
        if (cpus.length == 0) {
            throw new IllegalArgumentException("empty CPU list");
        }
        BitSet set = new BitSet();
        for (int cpu : cpus) {
            set.set(checked(cpu, Integer.toString(cpu)));
        }
        return new CpuSet(set);
    }

    private static int cpu(String list, String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("CPU list '" + list + "' has an empty element");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new IllegalArgumentException("CPU list '" + list + "': '" + text + "' is not a CPU number");
            }
        }
        int cpu = text.length() > 4 ? MAX_CPUS : Integer.parseInt(text);
        return checked(cpu, text);
    }

    private static int checked(int cpu, String text) {
        if (cpu < 0 || cpu >= MAX_CPUS) {
            throw new IllegalArgumentException("CPU " + text + " is outside 0.." + (MAX_CPUS - 1));
        }
        return cpu;
    }

    /** Reads a kernel affinity mask: bit {@code n} of the little-endian words is CPU {@code n}. */
    static CpuSet fromMask(long[] words) {
        return new CpuSet(BitSet.valueOf(words));
    }

    /** Returns the mask as {@code sched_setaffinity} takes it, in 64-bit words. */
    long[] toMask() {
        return Arrays.copyOf(cpus.toLongArray(), MASK_BYTES / Long.BYTES);
    }

    /** Returns whether CPU {@code cpu} is in the set. */
    public boolean contains(int cpu) {
        return cpu >= 0 && cpus.get(cpu);
    }

    /** Returns whether every CPU of this set is in {@code other}. */
    public boolean isSubsetOf(CpuSet other) {
        BitSet rest = (BitSet) cpus.clone();
        rest.andNot(other.cpus);
        return rest.isEmpty();
    }

    /** Returns the CPUs, in ascending order. */
    public int[] toArray() {
        return cpus.stream().toArray();
    }

    /** Returns how many CPUs the set holds. */
    public int size() {
        return cpus.cardinality();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet && ((CpuSet) o).cpus.equals(cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }

    /** Returns the set as a CPU list with ranges, e.g. {@code 0-2,5}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(first + 1)) {
            int last = cpus.nextClearBit(first) - 1;
            s.append(s.length() == 0 ? "" : ",").append(first);
            if (last > first) {
                s.append('-').append(last);
            }
            first = last;
        }
        return s.toString();
    }
}
