package io.ordertimeout.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on the loopback interface for the servers the testkit starts (never fixed ports). */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    /** A port the OS has free on loopback now; the server binds it moments later. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
