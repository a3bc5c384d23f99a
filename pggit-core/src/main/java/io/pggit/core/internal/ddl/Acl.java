package io.pggit.core.internal.ddl;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code aclitem} as PostgreSQL prints it ({@code grantee=privileges/grantor}, an empty
 * grantee for PUBLIC, a role name in double quotes when it needs them, {@code *} after a privilege
 * letter for WITH GRANT OPTION), with the letters spelled as GRANT takes them. The letters are
 * those of {@code aclitemout} (src/backend/utils/adt/acl.c) and the "Privileges" table of the
 * PostgreSQL documentation (ddl-priv): r SELECT, w UPDATE, a INSERT, d DELETE, D TRUNCATE,
 * x REFERENCES, t TRIGGER, X EXECUTE, U USAGE, C CREATE, c CONNECT, T TEMPORARY, m MAINTAIN
 * (PostgreSQL 17), s SET, A ALTER SYSTEM.
 *
 * @param grantee    the role, or "" for PUBLIC
 * @param privileges privileges granted without grant option
 * @param grantable  privileges granted WITH GRANT OPTION
 * @param grantor    the role that granted them
 */
record Acl(String grantee, List<String> privileges, List<String> grantable, String grantor) {

    static Acl parse(String item) {
        int[] at = {0};
        String grantee = name(item, at);
        expect(item, at, '=');
        List<String> plain = new ArrayList<>();
        List<String> grant = new ArrayList<>();
        while (at[0] < item.length() && item.charAt(at[0]) != '/') {
            String p = privilege(item.charAt(at[0]), item);
            at[0]++;
            if (at[0] < item.length() && item.charAt(at[0]) == '*') {
                grant.add(p);
                at[0]++;
            } else {
                plain.add(p);
            }
        }
        expect(item, at, '/');
        String grantor = name(item, at);
        return new Acl(grantee, plain, grant, grantor);
    }

    private static String name(String s, int[] at) {
        StringBuilder sb = new StringBuilder();
        if (at[0] < s.length() && s.charAt(at[0]) == '"') {
            at[0]++;
            while (at[0] < s.length()) {
                char c = s.charAt(at[0]++);
                if (c == '"') {
                    if (at[0] < s.length() && s.charAt(at[0]) == '"') {
                        sb.append('"');
                        at[0]++;
                    } else {
                        return sb.toString();
                    }
                } else {
                    sb.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated quoted role name in ACL item " + s);
        }
        while (at[0] < s.length() && s.charAt(at[0]) != '=' && s.charAt(at[0]) != '/') {
            sb.append(s.charAt(at[0]++));
        }
        return sb.toString();
    }

    private static void expect(String s, int[] at, char c) {
        if (at[0] >= s.length() || s.charAt(at[0]) != c) {
            throw new IllegalArgumentException("not an ACL item (expected '" + c + "' at " + at[0] + "): " + s);
        }
        at[0]++;
    }

    private static String privilege(char c, String item) {
        return switch (c) {
            case 'r' -> "SELECT";
            case 'w' -> "UPDATE";
            case 'a' -> "INSERT";
            case 'd' -> "DELETE";
            case 'D' -> "TRUNCATE";
            case 'x' -> "REFERENCES";
            case 't' -> "TRIGGER";
            case 'X' -> "EXECUTE";
            case 'U' -> "USAGE";
            case 'C' -> "CREATE";
            case 'c' -> "CONNECT";
            case 'T' -> "TEMPORARY";
            case 'm' -> "MAINTAIN";
            case 's' -> "SET";
            case 'A' -> "ALTER SYSTEM";
            default -> throw new IllegalArgumentException("unknown privilege letter '" + c + "' in ACL item " + item);
        };
    }
}
