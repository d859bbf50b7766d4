package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.NetworkRequest;
import io.swarmnet.control.cluster.PortRequest;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** The docker CLI's option syntaxes: {@code --publish}, {@code --publish-rm}, {@code --network}, {@code --label}. */
public final class OptionSyntax {
    // [published:]target[/protocol]
    private static final Pattern SHORT_PORT = Pattern.compile("(?:([^:/]*):)?([^:/]+)(?:/([^:/]*))?");

    private OptionSyntax() {
    }

    /**
     * {@code --publish published=8080,target=80,protocol=udp,mode=host} or the short
     * {@code -p 8080:80/udp} (ingress mode); no published port means one from 30000-32767.
     */
    public static final class Publish implements ITypeConverter<PortRequest> {
        @Override
        public PortRequest convert(String text) {
            return port(text, false);
        }
    }

    /**
     * {@code --publish-rm}: a bare number is a target port, as in docker; otherwise either
     * syntax of {@code --publish}, where what is left out matches anything.
     */
    static final class PublishSelector implements ITypeConverter<PortRequest> {
        @Override
        public PortRequest convert(String text) {
            if (text.matches("[0-9]+")) {
                return new PortRequest(null, number(text, "target"), 0, null);
            }
            return port(text, true);
        }
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    /**
     * A duration as docker takes it: Go's notation ({@code 10s}, {@code 1m30s}, {@code 500ms},
     * {@code 0s}), at most a day.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static Duration duration(String text) {
        Matcher m = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1).length() > 9 ? "1000000000" : m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            at = m.end();
        }
        if (text.isEmpty() || at != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 10s, 1m30s or 500ms");
        }
        if (total.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than a day");
        }
        return total;
    }

    private static PortRequest port(String text, boolean selector) {
        if (text.isBlank()) {
            throw new TypeConversionException("empty port specification");
        }
        if (text.contains("=")) {
            return longPort(text, selector);
        }
        Matcher m = SHORT_PORT.matcher(text);
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a port: expected [PUBLISHED:]TARGET[/PROTOCOL]"
                    + " or published=P,target=T,protocol=tcp|udp,mode=ingress|host");
        }
        int published = m.group(1) == null || m.group(1).isEmpty() ? 0 : number(m.group(1), "published");
        int target = number(m.group(2), "target");
        PortProtocol protocol = m.group(3) == null ? (selector ? null : PortProtocol.TCP) : protocol(m.group(3));
        return new PortRequest(protocol, target, published, selector ? null : PublishMode.INGRESS);
    }

    private static PortRequest longPort(String text, boolean selector) {
        int published = 0;
        int target = 0;
        PortProtocol protocol = selector ? null : PortProtocol.TCP;
        PublishMode mode = selector ? null : PublishMode.INGRESS;
        String proxyProtocol = null;
        for (String field : text.split(",", -1)) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new TypeConversionException("invalid field '" + field + "' in '" + text + "': expected key=value");
            }
            String key = field.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = field.substring(eq + 1).strip();
            switch (key) {
                case "published" -> published = number(value, "published");
                case "target" -> target = number(value, "target");
                case "protocol" -> protocol = protocol(value);
                case "mode" -> mode = switch (value.toLowerCase(Locale.ROOT)) {
                    case "ingress" -> PublishMode.INGRESS;
                    case "host" -> PublishMode.HOST;
                    default -> throw new TypeConversionException("invalid publish mode '" + value + "': expected ingress or host");
                };
                case "proxy-protocol" -> proxyProtocol = value.toLowerCase(Locale.ROOT);
                default -> throw new TypeConversionException("invalid field '" + key + "' in '" + text
                        + "': expected published, target, protocol, mode or proxy-protocol");
            }
        }
        if (target == 0 && !selector) {
            throw new TypeConversionException("'" + text + "' has no target port: add target=PORT");
        }
        return new PortRequest(protocol, target, published, mode, selector ? null : proxyProtocol);
    }

    private static int number(String text, String what) {
        if (text.contains("-")) {
            throw new TypeConversionException("invalid " + what + " port '" + text + "': port ranges are not supported");
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // one message for every bad port below
        }
        throw new TypeConversionException("invalid " + what + " port '" + text + "': it must be a number 1-65535");
    }

    private static PortProtocol protocol(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "tcp" -> PortProtocol.TCP;
            case "udp" -> PortProtocol.UDP;
            default -> throw new TypeConversionException("invalid protocol '" + text + "': expected tcp or udp");
        };
    }

    /** {@code --network NAME}, {@code --network NAME,alias=A} or {@code --network name=NAME,alias=A,alias=B}. */
    static final class Network implements ITypeConverter<NetworkRequest> {
        @Override
        public NetworkRequest convert(String text) {
            String name = null;
            List<String> aliases = new ArrayList<>();
            String[] fields = text.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                String field = fields[i].strip();
                int eq = field.indexOf('=');
                if (eq < 0 && i == 0) {
                    name = field;
                    continue;
                }
                String key = eq < 0 ? field : field.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : field.substring(eq + 1).strip();
                switch (key) {
                    case "name", "target" -> name = value;
                    case "alias" -> aliases.add(value);
                    default -> throw new TypeConversionException("invalid field '" + key + "' in '" + text
                            + "': expected NAME[,alias=ALIAS...]");
                }
            }
            if (name == null || name.isEmpty()) {
                throw new TypeConversionException("'" + text + "' names no network: expected NAME[,alias=ALIAS...]");
            }
            if (aliases.contains("")) {
                throw new TypeConversionException("empty alias in '" + text + "'");
            }
            return new NetworkRequest(name, aliases);
        }
    }

    /**
     * {@code --label key=value}, or {@code --label key} for an empty value, as docker takes them.
     *
     * @throws ParameterException a usage error naming the bad label
     */
    static Map<String, String> labels(CommandSpec spec, List<String> labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String text : labels) {
            int eq = text.indexOf('=');
            String key = (eq < 0 ? text : text.substring(0, eq)).strip();
            if (key.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "invalid label '" + text + "': expected KEY[=VALUE]");
            }
            map.put(key, eq < 0 ? "" : text.substring(eq + 1));
        }
        return map;
    }
}
