package io.pggit.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.logging.SystemStreamLog;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/** Runs goals' classes as Maven would: parameters set on their fields, log lines kept. */
final class Goals {

    private Goals() {
    }

    /** Sets the parameter field {@code name} of {@code mojo} (declared in its class or a superclass), as Maven injects it. */
    static <M extends AbstractMojo> M set(M mojo, String name, Object value) {
        for (Class<?> c = mojo.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                f.set(mojo, value);
                return mojo;
            } catch (NoSuchFieldException e) {
                // declared further up
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalArgumentException("no parameter " + name + " in " + mojo.getClass());
    }

    /** The info lines a goal logs, also printed. */
    static List<String> captureInfo(AbstractMojo mojo) {
        List<String> lines = new ArrayList<>();
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                lines.add(content.toString());
                super.info(content);
            }
        });
        return lines;
    }
}
