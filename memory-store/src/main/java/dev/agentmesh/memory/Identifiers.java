package dev.agentmesh.memory;

import java.util.regex.Pattern;

/** User and conversation ids as the API accepts them: 1 to 128 characters of letters, digits and {@code ._:@|+=~-}. */
public final class Identifiers {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@|+=~-]{1,128}");

    private Identifiers() {
    }

    /** @throws InvalidRequestException naming {@code what} when {@code id} is not a valid id */
    public static String require(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidRequestException(what + " must be 1 to 128 characters of letters, digits and ._:@|+=~-");
        }
        return id;
    }
}
