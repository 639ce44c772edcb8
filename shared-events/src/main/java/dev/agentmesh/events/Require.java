package dev.agentmesh.events;

import java.util.List;

/** Field checks run by the records' constructors, so a record missing a required field never decodes. */
final class Require {

    private Require() {
    }

    static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static Integer partition(Integer value, String field) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(field + " must be 0 or higher, was " + value);
        }
        return value;
    }

    static int version(int schemaVersion) {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be 1 or higher, was " + schemaVersion);
        }
        return schemaVersion;
    }
}
