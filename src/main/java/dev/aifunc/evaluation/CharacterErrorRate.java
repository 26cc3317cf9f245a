package dev.aifunc.evaluation;

import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Character error rate of OCR: the Levenshtein distance (insertions + deletions + substitutions, Apache Commons Text)
 * between the text read and the expected text, divided by the length of the expected text. Texts are compared after
 * {@link #normalize}: lines and runs of spaces become one space, so a layout read as two lines instead of one costs
 * nothing. Lengths are in UTF-16 code units: one per letter or Chinese character of the Basic Multilingual Plane (an emoji
 * counts as two).
 */
public final class CharacterErrorRate {

    private CharacterErrorRate() {
    }

    /** Edits needed to turn {@code read} into {@code expected}, both normalized. */
    public static int edits(String expected, String read) {
        return LevenshteinDistance.getDefaultInstance().apply(normalize(expected), normalize(read));
    }

    /** The length of the normalized expected text (the denominator of the rate). */
    public static int length(String expected) {
        return normalize(expected).length();
    }

    /**
     * CER of one pair: edits / expected length; 0 for two empty texts, 1 per character read when nothing was
     * expected (the rate is then its edit count).
     */
    public static double of(String expected, String read) {
        int length = length(expected);
        int edits = edits(expected, read);
        return length == 0 ? edits : edits / (double) length;
    }

    /** Collapses every run of white space (line breaks included) to one space and strips both ends. */
    public static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

}
