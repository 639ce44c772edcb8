package dev.agentmesh.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A command's words: positional ones, {@code --flag}s and {@code --name value}s (also {@code --name=value}). */
final class Options {

    private static final Set<String> WITH_VALUE = Set.of("--since", "--port", "--address", "--limit");

    private final List<String> positional;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Options(List<String> positional, Map<String, String> values, Set<String> flags) {
        this.positional = positional;
        this.values = values;
        this.flags = flags;
    }

    static Options parse(List<String> words) {
        List<String> positional = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("--")) {
                positional.add(word);
                continue;
            }
            int equals = word.indexOf('=');
            String name = equals < 0 ? word : word.substring(0, equals);
            if (WITH_VALUE.contains(name)) {
                if (equals >= 0) {
                    values.put(name, word.substring(equals + 1));
                } else if (i + 1 < words.size()) {
                    values.put(name, words.get(++i));
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
            } else if (equals >= 0) {
                throw new IllegalArgumentException(name + " takes no value");
            } else {
                flags.add(name);
            }
        }
        return new Options(positional, values, flags);
    }

    /** Fails on an option the command does not know. */
    void allow(String... names) {
        Set<String> allowed = Set.of(names);
        for (String name : values.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        for (String name : flags) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
    }

    List<String> positional() {
        return positional;
    }

    void none() {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected '" + positional.getFirst() + "'");
        }
    }

    String single(String what) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "name " + what : "name one " + what + ", not "
                    + positional.size());
        }
        return positional.getFirst();
    }

    String value(String name) {
        return values.get(name);
    }

    String valueOr(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
