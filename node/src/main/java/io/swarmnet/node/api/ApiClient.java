package io.swarmnet.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A client of the agent's local API for the CLI and the lab runner: one request per
 * connection over the unix socket, JSON in and out ({@code curl --unix-socket} works too).
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path socket;

    public ApiClient(Path socket) {
        this.socket = socket;
    }

    /**
     * Sends one request and returns the JSON answer.
     *
     * @throws ApiException with the server's status and message when it refuses
     * @throws IOException  when the agent cannot be reached or answers garbage
     */
    public JsonNode call(String method, String path, Object body) throws IOException {
        byte[] payload = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        String head = method + " " + path + " HTTP/1.1\r\nHost: swarmnet\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(head.length() + payload.length);
            out.put(head.getBytes(StandardCharsets.US_ASCII)).put(payload).flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (ch.read(in) >= 0) {
                in.flip();
                answer.write(in.array(), 0, in.limit());
                in.clear();
            }
        } catch (IOException e) {
            throw new IOException("cannot reach the agent API at " + socket + ": " + e.getMessage(), e);
        }
        return parse(answer.toString(StandardCharsets.UTF_8));
    }

    private JsonNode parse(String response) throws IOException {
        int end = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("the agent at " + socket + " gave no HTTP answer");
        }
        int status = Integer.parseInt(response.substring(9, 12));
        String headers = response.substring(0, end).toLowerCase(Locale.ROOT);
        String body = response.substring(end + 4);
        JsonNode json = headers.contains("content-type: application/json") && !body.isEmpty()
                ? JSON.readTree(body) : JSON.nullNode();
        if (status / 100 != 2) {
            throw new ApiException(status, json.path("message").asText("HTTP " + status));
        }
        return json;
    }
}
