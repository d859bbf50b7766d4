package io.swarmnet.control.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed store address such as {@code etcd://10.0.0.1:2379,10.0.0.2:2379}: the scheme
 * and the manager endpoints as {@code host:port}, in the order given.
 *
 * @param scheme    {@code etcd}, the only kind of store so far
 * @param endpoints {@code host:port} for each manager; IPv6 hosts in brackets
 */
public record StoreAddress(String scheme, List<String> endpoints) {
    public static final String ETCD = "etcd";
    public static final int DEFAULT_ETCD_PORT = 2379;

    private static final Pattern HOSTNAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    // All digits and dots: meant as an IPv4 address, so it must be one (never a DNS name).
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern IPV6_IN_BRACKETS = Pattern.compile("\\[[0-9A-Fa-f:.]+]");

    public StoreAddress {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * Parses {@code etcd://host[:port],host[:port]...}; the port defaults to 2379.
     *
     * @throws IllegalArgumentException saying what is wrong, fit for one line
     */
    public static StoreAddress parse(String text) {
        int sep = text.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a store address: expected etcd://host:port[,host:port...]");
        }
        String scheme = text.substring(0, sep);
        if (!ETCD.equals(scheme)) {
            throw new IllegalArgumentException("unsupported store '" + scheme + "://': only etcd://host:port[,host:port...] is supported");
        }
        String rest = text.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no endpoint: expected etcd://host:port[,host:port...]");
        }
        List<String> endpoints = new ArrayList<>();
        for (String part : rest.split(",", -1)) {
            String endpoint = endpoint(part.trim());
            if (endpoints.contains(endpoint)) {
                throw new IllegalArgumentException("endpoint " + endpoint + " is given twice in '" + text + "'");
            }
            endpoints.add(endpoint);
        }
        return new StoreAddress(scheme, endpoints);
    }

    private static String endpoint(String part) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("empty endpoint in store address");
        }
        String host = part;
        int port = DEFAULT_ETCD_PORT;
        int colon = part.lastIndexOf(':');
        boolean bracketed = part.startsWith("[");
        if (colon > 0 && (!bracketed || part.charAt(colon - 1) == ']')) {
            host = part.substring(0, colon);
            port = port(part, part.substring(colon + 1));
        }
        boolean valid = bracketed ? IPV6_IN_BRACKETS.matcher(host).matches()
                : NUMERIC.matcher(host).matches() ? isIpv4(host)
                : host.length() <= 253 && HOSTNAME.matcher(host).matches();
        if (!valid) {
            throw new IllegalArgumentException("endpoint '" + part + "' has no valid host (IPv6 goes in brackets: [::1]:2379)");
        }
        return host + ":" + port;
    }

    private static boolean isIpv4(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static int port(String part, String digits) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the one message for every bad port
        }
        throw new IllegalArgumentException("endpoint '" + part + "' has no valid port (1-65535)");
    }

    @Override
    public String toString() {
        return scheme + "://" + String.join(",", endpoints);
    }
}
