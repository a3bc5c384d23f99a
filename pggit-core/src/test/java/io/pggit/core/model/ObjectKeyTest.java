package io.pggit.core.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Object keys as a command line lists them: commas inside an argument list or a quoted name do not split. */
class ObjectKeyTest {

    @Test
    void aListSplitsAtCommasOutsideParenthesesAndQuotes() {
        assertEquals(List.of("table:app.t", "function:app.f(integer, text)", "table:app.\"a,b\"", "view:app.v"),
                ObjectKey.splitList(" table:app.t,function:app.f(integer, text), table:app.\"a,b\",,view:app.v "));
        assertEquals(List.of(), ObjectKey.splitList(null));
        assertEquals(List.of(), ObjectKey.splitList(" , "));
    }
}
