package dev.agentmesh.weather;

import dev.agentmesh.events.ContextEntry;

import java.text.Normalizer;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the days a weather request asks about: today, tomorrow, the day after, a weekday ("on Saturday", "next
 * Monday") or the weekend, in English and in the other languages the agent's card shows (French, German, Spanish,
 * Italian, Portuguese). A request that names no day is about today, unless it is a short follow-up ("what about
 * Berlin?", "et à Lyon ?"): that one keeps the day of the conversation's previous user turn ("Paris tomorrow?").
 * Days are resolved against the forecast's own today, the place's local date.
 */
final class DayExtractor {

    /** A day as the request says it, resolved once the place's local date is known. */
    sealed interface Asked {
        List<LocalDate> on(LocalDate today);
    }

    /** Today plus so many days: 0 today, 1 tomorrow, 2 the day after. */
    record InDays(int days) implements Asked {
        @Override
        public List<LocalDate> on(LocalDate today) {
            return List.of(today.plusDays(days));
        }
    }

    /** The coming such weekday: today when today is that day, unless {@code next} ("next Monday"). */
    record Weekday(DayOfWeek day, boolean next) implements Asked {
        @Override
        public List<LocalDate> on(LocalDate today) {
            return List.of(next ? today.with(TemporalAdjusters.next(day))
                    : today.with(TemporalAdjusters.nextOrSame(day)));
        }
    }

    /** The coming Saturday and Sunday, or what is left of the weekend when it has begun. */
    record Weekend() implements Asked {
        @Override
        public List<LocalDate> on(LocalDate today) {
            if (today.getDayOfWeek() == DayOfWeek.SUNDAY) {
                return List.of(today);
            }
            LocalDate saturday = today.with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
            return List.of(saturday, saturday.plusDays(1));
        }
    }

    private static final Map<String, Asked> RELATIVE = Map.ofEntries(
            Map.entry("today", new InDays(0)), Map.entry("tonight", new InDays(0)),
            Map.entry("aujourd'hui", new InDays(0)), Map.entry("heute", new InDays(0)), Map.entry("hoy", new InDays(0)),
            Map.entry("oggi", new InDays(0)), Map.entry("hoje", new InDays(0)),
            Map.entry("tomorrow", new InDays(1)), Map.entry("tmrw", new InDays(1)),
            Map.entry("demain", new InDays(1)), Map.entry("morgen", new InDays(1)), Map.entry("manana", new InDays(1)),
            Map.entry("domani", new InDays(1)), Map.entry("amanha", new InDays(1)),
            Map.entry("day after tomorrow", new InDays(2)), Map.entry("apres-demain", new InDays(2)),
            Map.entry("apres demain", new InDays(2)), Map.entry("ubermorgen", new InDays(2)),
            Map.entry("pasado manana", new InDays(2)), Map.entry("dopodomani", new InDays(2)),
            Map.entry("depois de amanha", new InDays(2)),
            Map.entry("weekend", new Weekend()), Map.entry("week-end", new Weekend()),
            Map.entry("wochenende", new Weekend()), Map.entry("fin de semana", new Weekend()),
            Map.entry("fine settimana", new Weekend()), Map.entry("fim de semana", new Weekend()));

    private static final Map<String, DayOfWeek> WEEKDAYS = Map.ofEntries(
            Map.entry("monday", DayOfWeek.MONDAY), Map.entry("tuesday", DayOfWeek.TUESDAY),
            Map.entry("wednesday", DayOfWeek.WEDNESDAY), Map.entry("thursday", DayOfWeek.THURSDAY),
            Map.entry("friday", DayOfWeek.FRIDAY), Map.entry("saturday", DayOfWeek.SATURDAY),
            Map.entry("sunday", DayOfWeek.SUNDAY),
            Map.entry("lundi", DayOfWeek.MONDAY), Map.entry("mardi", DayOfWeek.TUESDAY),
            Map.entry("mercredi", DayOfWeek.WEDNESDAY), Map.entry("jeudi", DayOfWeek.THURSDAY),
            Map.entry("vendredi", DayOfWeek.FRIDAY), Map.entry("samedi", DayOfWeek.SATURDAY),
            Map.entry("dimanche", DayOfWeek.SUNDAY),
            Map.entry("montag", DayOfWeek.MONDAY), Map.entry("dienstag", DayOfWeek.TUESDAY),
            Map.entry("mittwoch", DayOfWeek.WEDNESDAY), Map.entry("donnerstag", DayOfWeek.THURSDAY),
            Map.entry("freitag", DayOfWeek.FRIDAY), Map.entry("samstag", DayOfWeek.SATURDAY),
            Map.entry("sonntag", DayOfWeek.SUNDAY),
            Map.entry("lunes", DayOfWeek.MONDAY), Map.entry("martes", DayOfWeek.TUESDAY),
            Map.entry("miercoles", DayOfWeek.WEDNESDAY), Map.entry("jueves", DayOfWeek.THURSDAY),
            Map.entry("viernes", DayOfWeek.FRIDAY), Map.entry("sabado", DayOfWeek.SATURDAY),
            Map.entry("domingo", DayOfWeek.SUNDAY),
            Map.entry("lunedi", DayOfWeek.MONDAY), Map.entry("martedi", DayOfWeek.TUESDAY),
            Map.entry("mercoledi", DayOfWeek.WEDNESDAY), Map.entry("giovedi", DayOfWeek.THURSDAY),
            Map.entry("venerdi", DayOfWeek.FRIDAY), Map.entry("sabato", DayOfWeek.SATURDAY),
            Map.entry("domenica", DayOfWeek.SUNDAY),
            Map.entry("segunda-feira", DayOfWeek.MONDAY), Map.entry("terca-feira", DayOfWeek.TUESDAY),
            Map.entry("quarta-feira", DayOfWeek.WEDNESDAY), Map.entry("quinta-feira", DayOfWeek.THURSDAY),
            Map.entry("sexta-feira", DayOfWeek.FRIDAY));

    /** "next" before or after a weekday, in the same languages: the one after the coming one when that is today. */
    private static final Set<String> NEXT_BEFORE = Set.of("next", "nachsten", "kommenden", "proximo", "prossimo");
    private static final Set<String> NEXT_AFTER = Set.of("prochain", "prossimo", "que vem", "proximo");

    /** "Morgen", "mañana" and "manhã" also mean the morning: "heute Morgen", "esta mañana" are today. */
    private static final Pattern THIS_MORNING = Pattern.compile(
            "\\b(?:heute|guten|am|esta|la)\\s+(?:morgen|manana)\\b");

    /** A short continuation of the previous turn: "and…", "what about…", "how about…", in the same languages. */
    private static final Pattern FOLLOW_UP = Pattern.compile(
            "^\\s*(?:and|also|what about|how about|same for|und|et|y|e)\\b", Pattern.CASE_INSENSITIVE);
    private static final int FOLLOW_UP_MAX_WORDS = 6;

    private static final Pattern WORDS;

    static {
        List<String> phrases = new ArrayList<>(RELATIVE.keySet());
        phrases.addAll(WEEKDAYS.keySet());
        // longest first, so "day after tomorrow" wins over "tomorrow"
        phrases.sort(Comparator.comparingInt(String::length).reversed());
        WORDS = Pattern.compile("(?<![\\p{L}-])(" + String.join("|", phrases.stream().map(Pattern::quote).toList())
                + ")(?![\\p{L}-])");
    }

    /** The days asked, in the order the request names them; today when it names none. */
    List<Asked> find(String text) {
        List<Asked> asked = named(text);
        return asked.isEmpty() ? List.of(new InDays(0)) : asked;
    }

    /**
     * The days asked in a conversation: those the request names; for a follow-up that names none, those of the
     * previous user turn (which may itself be such a follow-up, so "and Rome?" after "what about Berlin?" after
     * "Paris tomorrow?" is still tomorrow); else today.
     */
    List<Asked> find(String text, List<ContextEntry> context) {
        List<Asked> asked = named(text);
        String turn = text;
        for (int i = context.size() - 1; asked.isEmpty() && isFollowUp(turn) && i >= 0; i--) {
            ContextEntry entry = context.get(i);
            if (entry.role().equals("user")) {
                turn = entry.text();
                asked = named(turn);
            }
        }
        return asked.isEmpty() ? List.of(new InDays(0)) : asked;
    }

    private static boolean isFollowUp(String text) {
        return text != null && FOLLOW_UP.matcher(text).find()
                && text.strip().split("\\s+").length <= FOLLOW_UP_MAX_WORDS;
    }

    private static List<Asked> named(String text) {
        String plain = plain(text == null ? "" : text);
        String withoutMornings = THIS_MORNING.matcher(plain).replaceAll(" today ");
        List<Asked> asked = new ArrayList<>();
        Matcher matcher = WORDS.matcher(withoutMornings);
        while (matcher.find()) {
            String word = matcher.group(1);
            DayOfWeek weekday = WEEKDAYS.get(word);
            asked.add(weekday == null ? RELATIVE.get(word)
                    : new Weekday(weekday, saysNext(withoutMornings, matcher.start(), matcher.end())));
        }
        return asked;
    }

    /** True for one word that names a day ("Tomorrow", "Mañana", "Samstag"), in any of the languages above. */
    static boolean namesADay(String word) {
        String plain = plain(word).replaceAll("[^\\p{L}'-]", "");
        return RELATIVE.containsKey(plain) || WEEKDAYS.containsKey(plain);
    }

    /** The dates asked, resolved against the place's today, each once, in the order asked. */
    List<LocalDate> dates(String text, LocalDate today) {
        return dates(text, List.of(), today);
    }

    /** The dates asked in a conversation ({@link #find(String, List)}), resolved against the place's today. */
    List<LocalDate> dates(String text, List<ContextEntry> context, LocalDate today) {
        Set<LocalDate> dates = new LinkedHashSet<>();
        find(text, context).forEach(asked -> dates.addAll(asked.on(today)));
        return List.copyOf(dates);
    }

    private static boolean saysNext(String text, int start, int end) {
        String before = text.substring(0, start).strip();
        String after = text.substring(end).strip();
        return NEXT_BEFORE.stream().anyMatch(before::endsWith) || NEXT_AFTER.stream().anyMatch(after::startsWith);
    }

    /** Lower case without accents ("mañana" → "manana", "übermorgen" → "ubermorgen"), apostrophes made plain. */
    private static String plain(String text) {
        return Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace('’', '\'');
    }
}
