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

    /**
     * pggit is not installed (or at another version) where a call needs it: this role may not
     * install it, or a comparison found it missing in one of its two databases (or at two versions).
     */
    public static final class NotInstalled extends PggitException {
        private static final long serialVersionUID = 1L;

        public NotInstalled(String message) {
            super(message);
        }
    }

    /**
     * The role lacks the pggit role a call needs (SQLSTATE 42501): pggit_reader to read,
     * pggit_writer to record migrations and commit, pggit_admin to pause, purge, resolve or adopt.
     */
    public static final class NotPermitted extends PggitException {
        private static final long serialVersionUID = 1L;

        public NotPermitted(String message, Throwable cause) {
            super(message, cause);
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
