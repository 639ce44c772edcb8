package dev.agentmesh.manager.planning;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What the planner's models see of a text: its sentence embedding (meaning, unit length) and the hashed words, word
 * pairs and character 4-grams it contains (wording: it catches what an example says in so many words, misspellings
 * and other languages' word stems). No word list is built in: which words matter is learned from the cards.
 *
 * @param embedding the sentence embedding, unit length
 * @param grams sorted indexes of the hashed grams present, each weighing {@code gramWeight}
 */
record Features(float[] embedding, int[] grams, float gramWeight) {

    static final int GRAM_SPACE = 1 << 16;

    /** How much the wording counts beside the meaning; both parts have the same length (1) before this factor. */
    private static final double WORDING = 0.8;

    static Features of(float[] embedding, String text) {
        TreeSet<Integer> grams = new TreeSet<>();
        String normalised = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").replaceAll("[^\\p{L}\\p{N}' ]+", " ").strip();
        String[] words = normalised.isEmpty() ? new String[0] : normalised.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            grams.add(bucket("w:" + words[i]));
            if (i + 1 < words.length) {
                grams.add(bucket("b:" + words[i] + " " + words[i + 1]));
            }
            String padded = "<" + words[i] + ">";
            for (int c = 0; c + 4 <= padded.length(); c++) {
                grams.add(bucket("c:" + padded.substring(c, c + 4)));
            }
        }
        int[] indexes = grams.stream().mapToInt(Integer::intValue).toArray();
        float weight = indexes.length == 0 ? 0 : (float) (WORDING / Math.sqrt(indexes.length));
        return new Features(embedding, indexes, weight);
    }

    private static int bucket(String gram) {
        return Math.floorMod(gram.hashCode() * 0x9E3779B1, GRAM_SPACE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Features that && Arrays.equals(embedding, that.embedding)
                && Arrays.equals(grams, that.grams);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(embedding) + Arrays.hashCode(grams);
    }

    @Override
    public String toString() {
        return "Features[" + embedding.length + " dimensions, " + grams.length + " grams]";
    }
}
