package dev.veil.activities.cloud;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes what must never leave the agent from log lines before they are uploaded: every known
 * secret (connection passwords, the masking key, tokens), anything shaped like a credential
 * ({@code password=…}, {@code Bearer …}, a URL's user info), e-mail addresses and every quoted
 * value (PostgreSQL quotes values in its messages). Veil's own log lines never carry row values;
 * this is the second line of defence, for lines of other code: an unquoted free-text value (a
 * name) in such a line cannot be recognised.
 */
public final class LogScrubber {

  static final String HIDDEN = "***";
  private static final int MIN_SECRET_LENGTH = 4;
  private static final Pattern CREDENTIAL_PAIR =
      Pattern.compile("(?i)\\b(password|passwd|pwd|token|secret|key|apikey|api_key)(\\s*[=:]\\s*)[^\\s&,;]+");
  private static final Pattern BEARER = Pattern.compile("(?i)\\bBearer\\s+\\S+");
  private static final Pattern URL_USER_INFO = Pattern.compile("(://)[^/@\\s]+@");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("'[^']*'");
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"]*\"");
  private static final Pattern PARENTHESISED_DETAIL = Pattern.compile("(?i)(\\bKey \\()[^)]*\\)=\\([^)]*\\)");

  private final List<String> secrets;

  public LogScrubber(Collection<String> secrets) {
    List<String> list = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && s.length() >= MIN_SECRET_LENGTH) {
        list.add(s);
      }
    }
    // longest first, so a secret that contains another is hidden whole
    list.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(list);
  }

  public String scrub(String line) {
    String s = line;
    for (String secret : secrets) {
      s = s.replace(secret, HIDDEN);
    }
    s = BEARER.matcher(s).replaceAll("Bearer " + HIDDEN);
    s = CREDENTIAL_PAIR.matcher(s).replaceAll("$1$2" + HIDDEN);
    s = URL_USER_INFO.matcher(s).replaceAll("$1" + HIDDEN + "@");
    s = PARENTHESISED_DETAIL.matcher(s).replaceAll("$1" + HIDDEN + ")=(" + HIDDEN + ")");
    s = EMAIL.matcher(s).replaceAll(HIDDEN);
    s = SINGLE_QUOTED.matcher(s).replaceAll("'" + HIDDEN + "'");
    s = DOUBLE_QUOTED.matcher(s).replaceAll("\"" + HIDDEN + "\"");
    return s;
  }

  public List<String> scrub(List<String> lines) {
    return lines.stream().map(this::scrub).toList();
  }
}
