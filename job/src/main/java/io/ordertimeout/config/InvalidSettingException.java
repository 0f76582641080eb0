package io.ordertimeout.config;

import org.apache.flink.configuration.ConfigOption;

/** A setting is missing or wrong; the message names the option so the operator can fix it. */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidSettingException(ConfigOption<?> option, String problem) {
        super("Invalid setting " + option.key() + ": " + problem);
    }

    public static InvalidSettingException missing(ConfigOption<?> option) {
        return new InvalidSettingException(option, "missing; set it with -D" + option.key() + "=... or in the Flink config file");
    }
}
