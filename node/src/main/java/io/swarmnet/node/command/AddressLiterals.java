package io.swarmnet.node.command;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses IP address literals and {@code ip:port} flags without ever asking DNS: a daemon
 * flag names an address, and a typo must be an error, not a lookup.
 */
public final class AddressLiterals {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private AddressLiterals() {
    }

    /**
     * Parses an IPv4 or IPv6 literal, e.g. {@code 192.0.2.11} or {@code fd00::11}.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static InetAddress parseIp(String text) {
        Matcher m = IPV4.matcher(text);
        boolean literal = m.matches() ? octetsInRange(m) : text.contains(":") && IPV6.matcher(text).matches();
        if (!literal) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        try {
            // A literal is only checked for format, never looked up.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }

    private static boolean octetsInRange(Matcher m) {
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code ip:port} or {@code [ipv6]:port}; port 0 asks the system for a free one.
     *
     * @throws IllegalArgumentException saying which part is wrong
     */
    public static InetSocketAddress parseIpPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not IP:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': put an IPv6 address in brackets, e.g. [::1]:9323");
        }
        InetAddress address = parseIp(host);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has no valid port (0-65535)");
        }
        return new InetSocketAddress(address, port);
    }
}
