package io.swarmnet.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the {@code nameserver} lines of a resolv.conf(5): the agent's default upstreams. */
public final class ResolvConf {
    /** The host's resolver configuration, read in the agent's own namespace. */
    public static final Path HOST = Path.of("/etc/resolv.conf");
    /**
     * Dotted-quad IPv4 or an IPv6 literal: {@link InetAddress#getByName} then parses without
     * a lookup (WARNING: anything else it would resolve, through the very resolver we are).
     */
    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*");

    private ResolvConf() {
    }

    /**
     * The first {@link DnsConfig#MAX_UPSTREAMS} name servers of {@code file} on port 53,
     * skipping 127.0.0.11 itself (a task's resolv.conf copied to the host would loop);
     * none for a missing file.
     */
    public static List<InetSocketAddress> nameservers(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(lines);
    }

    static List<InetSocketAddress> parse(List<String> lines) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2 || !words[0].equals("nameserver") || out.size() == DnsConfig.MAX_UPSTREAMS) {
                continue;
            }
            // A scoped IPv6 literal (fe80::1%eth0) names an interface of another namespace.
            String text = words[1];
            if (!LITERAL.matcher(text).matches()) {
                continue;
            }
            try {
                InetAddress address = InetAddress.getByName(text);
                if (!address.getHostAddress().equals("127.0.0.11")) {
                    out.add(new InetSocketAddress(address, 53));
                }
            } catch (UnknownHostException notALiteral) {
                // The pattern admits strings like "1.2.3.4.5"; they are no address, skip them.
            }
        }
        return List.copyOf(out);
    }
}
