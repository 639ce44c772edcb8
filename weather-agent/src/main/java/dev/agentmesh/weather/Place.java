package dev.agentmesh.weather;

/** A geocoded place. */
record Place(String name, String region, String country, String countryCode, double latitude, double longitude) {

    /** "Paris, France" or "Springfield, Illinois, United States". */
    String label() {
        StringBuilder label = new StringBuilder(name);
        if (region != null && !region.isBlank() && !region.equals(name) && "US".equals(countryCode)) {
            label.append(", ").append(region);
        }
        if (country != null && !country.isBlank()) {
            label.append(", ").append(country);
        }
        return label.toString();
    }
}
