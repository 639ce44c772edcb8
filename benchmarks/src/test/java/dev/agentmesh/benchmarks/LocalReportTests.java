package dev.agentmesh.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalReportTests {

    private static final String GENERATED = "# Benchmarks\n\n## 1. Fan-out\n\n| a | b |\n\n";
    private static final String ANALYSIS = Report.ANALYSIS + "\n\n## Analysis\n\nHand-written.\n";

    private static String section(String body) {
        return LocalReport.BEGIN + "\n## 6. Local\n\n" + body + "\n" + LocalReport.END;
    }

    @Test
    void aFirstLocalSectionGoesBeforeTheHandWrittenAnalysis() {
        String written = LocalReport.splice(GENERATED + ANALYSIS, section("first"));

        assertThat(written).startsWith(GENERATED + section("first"));
        assertThat(written).endsWith(ANALYSIS);
    }

    @Test
    void aLaterLocalRunReplacesOnlyItsOwnSection() {
        String before = GENERATED + section("old figures") + "\n\n" + ANALYSIS;

        String written = LocalReport.splice(before, section("new figures"));

        assertThat(written).isEqualTo(GENERATED + section("new figures") + "\n\n" + ANALYSIS);
        assertThat(written).doesNotContain("old figures");
    }

    @Test
    void aSectionEndingInALineBreakLeavesTheTextAfterItAsItWas() {
        String before = GENERATED + section("old figures") + "\n\n" + ANALYSIS;

        String once = LocalReport.splice(before, section("new figures") + "\n");
        String twice = LocalReport.splice(once, section("new figures") + "\n");

        assertThat(once).isEqualTo(GENERATED + section("new figures") + "\n\n" + ANALYSIS);
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void theOtherRunsKeepTheLocalSectionAsItWas() {
        String before = GENERATED + section("local figures") + "\n\n" + ANALYSIS;

        assertThat(LocalReport.keep(before)).isEqualTo(section("local figures") + "\n\n");
        assertThat(LocalReport.keep(GENERATED + ANALYSIS)).isEmpty();
    }
}
