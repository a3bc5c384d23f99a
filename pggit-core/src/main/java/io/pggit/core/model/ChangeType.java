package io.pggit.core.model;

/** How one object differs between two states, as in {@code git diff --name-status}. */
public enum ChangeType {
    /** The object exists only in the newer state. */
    ADDED("A", "+"),
    /** Same key, different definition. */
    MODIFIED("M", "~"),
    /** Only in the older state. */
    DELETED("D", "-"),
    /** The same catalog object (same address) under a new key. */
    RENAMED("R", ">");

    private final String code;
    private final String symbol;

    ChangeType(String code, String symbol) {
        this.code = code;
        this.symbol = symbol;
    }

    /** The one-letter code used by the SQL API (A, M, D, R). */
    public String code() {
        return code;
    }

    /** The symbol used in summaries (+, ~, -, >). */
    public String symbol() {
        return symbol;
    }

    /** @throws IllegalArgumentException for a code other than A, M, D, R */
    public static ChangeType ofCode(String code) {
        for (ChangeType t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown change code \"" + code + "\" (expected A, M, D or R)");
    }
}
