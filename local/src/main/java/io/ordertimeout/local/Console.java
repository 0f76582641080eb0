package io.ordertimeout.local;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runner's own lines: on stdout with the time of day, and into the log file for context. */
final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {}

    static synchronized void line(String text) {
        System.out.println(LocalTime.now().format(TIME) + "  " + text);
        System.out.flush();
        LOG.info(text);
    }
}
