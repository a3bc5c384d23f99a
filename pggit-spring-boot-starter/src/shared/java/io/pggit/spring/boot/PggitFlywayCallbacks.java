package io.pggit.spring.boot;

import io.pggit.flyway.PggitFlywayCallback;
import org.flywaydb.core.api.callback.Callback;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The pggit callback as a bean Spring may introspect on every Flyway line.
 *
 * <p>{@link PggitFlywayCallback} is compiled against Flyway 11.20, so it carries the bridge methods
 * of {@code GenericCallback} (11.13+), which name {@code CallbackEvent}. Flyway never calls them on
 * older lines, but Spring reads every declared method of a bean's class (for {@code @Autowired} and
 * the like), and on Flyway before 11.13 (Boot 3.5 ships 11.7.2) that fails with
 * {@code NoClassDefFoundError: org/flywaydb/core/api/callback/CallbackEvent}. There the bean is a
 * JDK proxy of {@link Callback}, whose class has only the methods that line's {@code Callback} has,
 * each handed to a {@link PggitFlywayCallback}; from 11.13 on it is the callback itself.
 */
public final class PggitFlywayCallbacks {

    private PggitFlywayCallbacks() {
    }

    /** A new pggit callback for one Flyway bean (a callback holds its run's state). */
    public static Callback callback() {
        PggitFlywayCallback callback = new PggitFlywayCallback();
        if (hasGenericCallback()) {
            return callback;
        }
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "pggit Flyway callback (" + callback + ")";
            default -> {
                try {
                    yield method.invoke(callback, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        };
        return (Callback) Proxy.newProxyInstance(Callback.class.getClassLoader(), new Class<?>[]{Callback.class}, handler);
    }

    private static boolean hasGenericCallback() {
        try {
            Class.forName("org.flywaydb.core.api.callback.CallbackEvent", false, Callback.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
