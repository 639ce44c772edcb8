package dev.agentmesh.weather;

import java.util.Set;

/** The units people expect in a country: Fahrenheit in the US and a few others, miles per hour there and in the UK. */
record Units(boolean fahrenheit, boolean mph) {

    private static final Set<String> FAHRENHEIT = Set.of("US", "PR", "GU", "VI", "AS", "MP", "LR", "BS", "BZ",
            "KY", "PW", "FM", "MH");
    private static final Set<String> MILES = Set.of("US", "PR", "GU", "VI", "AS", "MP", "LR", "GB", "IM", "JE",
            "GG", "MM");

    /** What the user asked for ({@code metric} or {@code imperial}), else what people expect in the country. */
    static Units forUser(String preference, String countryCode) {
        if ("imperial".equals(preference)) {
            return new Units(true, true);
        }
        if ("metric".equals(preference)) {
            return new Units(false, false);
        }
        return forCountry(countryCode);
    }

    static Units forCountry(String countryCode) {
        String code = countryCode == null ? "" : countryCode.toUpperCase();
        return new Units(FAHRENHEIT.contains(code), MILES.contains(code));
    }
}
