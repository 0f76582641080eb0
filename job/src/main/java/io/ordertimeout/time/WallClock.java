package io.ordertimeout.time;

import java.io.Serializable;

/** Wall-clock time, injectable so that tests can drive liveness and lateness deterministically. */
@FunctionalInterface
public interface WallClock extends Serializable {

    long millis();

    static WallClock system() {
        return System::currentTimeMillis;
    }
}
