package dev.agentmesh.emulator.session;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers shaped like the API's: a prefix and random alphanumerics. */
final class Ids {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Ids() {
    }

    static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix).append('_');
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
