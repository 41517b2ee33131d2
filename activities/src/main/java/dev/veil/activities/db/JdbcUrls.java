package dev.veil.activities.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and rewrites pgjdbc URLs ({@code jdbc:postgresql://host[:port][,host2…]/database?…}). */
public final class JdbcUrls {

  private static final Pattern URL =
      Pattern.compile("jdbc:postgresql://([^/?]*)(?:/([^?]*))?(\\?.*)?");

  private JdbcUrls() {}

  private static Matcher match(String url) {
    Matcher m = URL.matcher(url == null ? "" : url);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
    }
    return m;
  }

  /** The URL's database ({@code postgres} when it names none, as the server would default). */
  public static String database(String url) {
    Matcher m = match(url);
    String db = m.group(2);
    if (db == null || db.isEmpty()) {
      return "postgres";
    }
    return URLDecoder.decode(db, StandardCharsets.UTF_8);
  }

  /** The URL with its database replaced. */
  public static String withDatabase(String url, String database) {
    Matcher m = match(url);
    String encoded =
        java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return "jdbc:postgresql://" + m.group(1) + "/" + encoded + (m.group(3) == null ? "" : m.group(3));
  }

  /** Host list of the URL, {@code host[:port][,…]}. */
  public static String hosts(String url) {
    return match(url).group(1);
  }

  /** Query parameters of the URL, decoded, in order. */
  public static Map<String, String> parameters(String url) {
    Matcher m = match(url);
    Map<String, String> out = new LinkedHashMap<>();
    String query = m.group(3);
    if (query == null || query.length() < 2) {
      return out;
    }
    for (String pair : query.substring(1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}
