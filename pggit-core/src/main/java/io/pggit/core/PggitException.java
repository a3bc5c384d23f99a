package io.pggit.core;

/**
 * The one unchecked exception of pggit. Messages say what went wrong, where, and what to do.
 * The SQL cause, when there is one, is kept.
 */
public class PggitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PggitException(String message) {
        super(message);
    }

    public PggitException(String message, Throwable cause) {
        super(message, cause);
    }

    /** pggit is not installed (or at another version) and this role may not install it. */
    public static final class NotInstalled extends PggitException {
        private static final long serialVersionUID = 1L;

        public NotInstalled(String message) {
            super(message);
        }
    }

    /** A configuration value is invalid; the message names the key and the allowed values. */
    public static final class InvalidConfig extends PggitException {
        private static final long serialVersionUID = 1L;

        public InvalidConfig(String message) {
            super(message);
        }
    }
}
