package dev.agentmesh.chat;

import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.sdk.AgentRequest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers without a language model, and says so. It relates the answers it is given (a place named in the
 * weather answer and in a headline, weather words in headlines), derives simple advice from the weather
 * (clothes, a picnic), restates news plainly, and admits when it cannot answer an open question.
 */
final class OfflineComposer implements Responder {

    static final String LABEL = "(offline composer) ";

    private static final Pattern RELATE = Pattern.compile(
            "\\b(relat|connect|link|explain|change|affect|impact|cause|because|why)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADVICE = Pattern.compile(
            "\\b(wear|dress|pack|cycle|bike|walk|run|picnic|plan|outside|outdoors?|should i)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SUMMARY = Pattern.compile(
            "\\b(summari[sz]e|means?|explain|simply|twelve|kid|child)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern GREETING = Pattern.compile(
            "^(hi|hello|hey|good (morning|afternoon|evening))\\b|how are you", Pattern.CASE_INSENSITIVE);
    private static final Pattern THANKS = Pattern.compile("\\b(thanks|thank you)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern JOKE = Pattern.compile("\\bjoke\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern TEMPERATURE = Pattern.compile("(-?\\d+) °([CF])");
    private static final Set<String> WEATHER_WORDS = Set.of("storm", "storms", "rain", "rainfall", "downpour",
            "flood", "floods", "flooded", "flooding", "heat", "heatwave", "snow", "snowfall", "wind", "winds",
            "hurricane", "typhoon", "cyclone", "thunderstorm", "thunderstorms", "temperature", "temperatures",
            "cold", "freezing", "drought", "wildfire", "fog", "weather", "tropical");
    private static final Set<String> TRAVEL_WORDS = Set.of("airline", "airlines", "airport", "airports", "flight",
            "flights", "rail", "train", "trains", "strike", "delays", "delay", "travel", "travellers", "travelers",
            "commuters", "roads", "underground", "border", "visa");

    @Override
    public String respond(AgentRequest request) {
        String text = request.text();
        Optional<String> weather = answerOf(request, "weather");
        Optional<String> news = answerOf(request, "news");
        if (weather.isEmpty() && news.isEmpty()) {
            String name = request.user() == null ? null : request.user().name();
            String talk = smallTalk(text, request.priorAnswers());
            // the user's name, where a person would use it: in a greeting
            return LABEL + (name != null && !name.isBlank() && GREETING.matcher(text).find()
                    ? "Hello, " + name + "! " + talk : talk);
        }
        if (weather.isPresent() && news.isPresent() && RELATE.matcher(text).find()) {
            return LABEL + relate(weather.get(), news.get());
        }
        if (weather.isPresent() && ADVICE.matcher(text).find()) {
            return LABEL + advise(text, weather.get());
        }
        if (news.isPresent() && SUMMARY.matcher(text).find()) {
            return LABEL + summarise(text, news.get());
        }
        StringBuilder relay = new StringBuilder(LABEL).append("Here is what the agents found. ");
        weather.ifPresent(answer -> relay.append("Weather: ").append(answer).append(' '));
        news.ifPresent(answer -> relay.append("News: ").append(String.join("; ", headlines(answer))).append('.'));
        return relay.toString().trim();
    }

    private static String smallTalk(String text, List<PriorAnswer> others) {
        if (GREETING.matcher(text).find()) {
            return "I'm doing well, thanks for asking! I'm running offline, so I can tell you about the weather "
                    + "and the news from sample data, but I can't chat about everything.";
        }
        if (THANKS.matcher(text).find()) {
            return "You're welcome!";
        }
        if (JOKE.matcher(text).find()) {
            return "Here's one: why did the cat sit on the computer? To keep an eye on the mouse.";
        }
        String extra = others.isEmpty() ? "" : " The other agents said: " + others.stream()
                .map(answer -> answer.agent() + ": " + answer.answer()).reduce((a, b) -> a + " " + b).orElse("");
        return "I'm running offline without a language model, so I can't answer open questions like that. "
                + "Ask me about the weather or the news instead." + extra;
    }

    private static String relate(String weather, String news) {
        if (weather.indexOf(':') < 0) {
            // The weather agent did not report conditions (it asked for a place, say): nothing to compare.
            List<String> aboutWeather = headlines(news).stream()
                    .filter(headline -> words(headline).stream().anyMatch(WEATHER_WORDS::contains)).toList();
            return "I can't compare them yet: the weather agent had no conditions to report (\"" + weather.strip()
                    + "\")." + (aboutWeather.isEmpty() ? " None of the headlines is about the weather."
                    : " One headline is about the weather: \"" + aboutWeather.getFirst() + "\".");
        }
        String place = placeOf(weather);
        List<String> placeWords = words(place).stream().filter(word -> word.length() > 2).toList();
        List<String> samePlace = new ArrayList<>();
        List<String> weatherRelated = new ArrayList<>();
        for (String headline : headlines(news)) {
            Set<String> words = new LinkedHashSet<>(words(headline));
            if (placeWords.stream().anyMatch(words::contains)) {
                samePlace.add(headline);
            }
            if (words.stream().anyMatch(WEATHER_WORDS::contains)) {
                weatherRelated.add(headline);
            }
        }
        List<String> both = samePlace.stream().filter(weatherRelated::contains).toList();
        String conditions = conditionsOf(weather);
        if (!both.isEmpty()) {
            return "Yes, they look related: the weather in " + place + " (" + conditions
                    + ") matches the headline \"" + both.getFirst() + "\".";
        }
        if (!weatherRelated.isEmpty()) {
            return "Partly: the headline \"" + weatherRelated.getFirst() + "\" is about the weather, but it is not "
                    + "about " + place + ", where it is " + conditions + ".";
        }
        if (!samePlace.isEmpty()) {
            return "The news mentions " + place + " (\"" + samePlace.getFirst() + "\"), but nothing in it is about "
                    + "the weather, which is " + conditions + ".";
        }
        return "I see no relation: none of the headlines mention " + place + " or the weather, which is "
                + conditions + ".";
    }

    private static String advise(String text, String weather) {
        String conditions = conditionsOf(weather);
        Optional<Integer> celsius = celsiusOf(weather);
        boolean wet = conditions.matches(".*(rain|drizzle|shower|thunder|storm).*");
        boolean snowy = conditions.contains("snow");
        if (text.toLowerCase(Locale.ROOT).contains("picnic")) {
            if (wet || snowy || celsius.map(c -> c < 10).orElse(false)) {
                return "With " + conditions + celsius.map(c -> " at " + c + " °C").orElse("") + " in "
                        + placeOf(weather) + ", a picnic outdoors is not a good idea today; plan it indoors or on "
                        + "another day.";
            }
            return "Good picnic weather in " + placeOf(weather) + ": " + conditions
                    + celsius.map(c -> ", " + c + " °C").orElse("") + ". Pick a spot in the sun, bring water"
                    + (celsius.map(c -> c > 24).orElse(false) ? ", shade and sunscreen." : " and a light layer.");
        }
        List<String> advice = new ArrayList<>();
        celsius.ifPresent(c -> advice.add(c < 0 ? "a heavy winter coat, hat and gloves"
                : c < 10 ? "a warm coat" : c < 18 ? "a sweater or light jacket"
                : c < 25 ? "a t-shirt with a light layer" : "light, breathable clothes and sunscreen"));
        if (wet) {
            advice.add("an umbrella or a waterproof jacket");
        }
        if (snowy) {
            advice.add("waterproof boots");
        }
        if (advice.isEmpty()) {
            return "The weather in " + placeOf(weather) + " is " + conditions + "; dress for that.";
        }
        return "In " + placeOf(weather) + " it is " + conditions + celsius.map(c -> " at " + c + " °C").orElse("")
                + ", so I'd suggest " + String.join(" and ", advice) + ".";
    }

    private static String summarise(String text, String news) {
        List<String> headlines = headlines(news);
        if (text.toLowerCase(Locale.ROOT).matches(".*\\b(travell?ers?|travel|trip)\\b.*")) {
            List<String> travel = headlines.stream().filter(headline -> words(headline).stream()
                    .anyMatch(TRAVEL_WORDS::contains)).toList();
            return "In short: " + String.join("; ", headlines) + ". For travellers, "
                    + (travel.isEmpty() ? "none of these stories is about travel."
                    : "the stories to watch are: " + String.join("; ", travel) + ".");
        }
        if (headlines.isEmpty()) {
            return "There is no headline to explain.";
        }
        return "Simply put, the main story is: " + headlines.getFirst() + "."
                + (headlines.size() > 1 ? " Also in the news: " + String.join("; ", headlines.subList(1,
                Math.min(3, headlines.size()))) + "." : "");
    }

    private static Optional<String> answerOf(AgentRequest request, String agent) {
        return request.priorAnswers().stream().filter(answer -> answer.agent().equals(agent))
                .map(PriorAnswer::answer).findFirst();
    }

    /** "Rome, Italy: thunderstorm, 14 °C…" → "Rome, Italy". */
    private static String placeOf(String weather) {
        int colon = weather.indexOf(':');
        return colon > 0 ? weather.substring(0, colon).trim() : "the place asked about";
    }

    private static String conditionsOf(String weather) {
        int colon = weather.indexOf(':');
        String rest = colon > 0 ? weather.substring(colon + 1) : weather;
        int comma = rest.indexOf(',');
        return (comma > 0 ? rest.substring(0, comma) : rest).trim();
    }

    private static Optional<Integer> celsiusOf(String weather) {
        Matcher matcher = TEMPERATURE.matcher(weather);
        if (!matcher.find()) {
            return Optional.empty();
        }
        int value = Integer.parseInt(matcher.group(1));
        return Optional.of(matcher.group(2).equals("F") ? Math.round((value - 32) * 5 / 9f) : value);
    }

    /** The headline titles in a news answer: its numbered lines, without source and link. */
    static List<String> headlines(String news) {
        List<String> titles = new ArrayList<>();
        for (String line : news.split("\n")) {
            Matcher matcher = Pattern.compile("^\\d+\\.\\s+(.*?)(\\s+—\\s+.*)?$").matcher(line.trim());
            if (matcher.matches()) {
                titles.add(matcher.group(1).trim());
            }
        }
        return titles;
    }

    private static List<String> words(String text) {
        return List.of(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"));
    }
}
