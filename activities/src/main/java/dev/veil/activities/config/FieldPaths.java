package dev.veil.activities.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Field paths as problems name them: {@code tables.options.public.orders.where},
 * {@code source.schemas[0]}. Map keys are written as they are (they often contain dots), with
 * control characters replaced so that a hostile key cannot forge extra log lines.
 */
final class FieldPaths {

  /** How the whole document is named when a problem is not about one field. */
  static final String DOCUMENT = "(document)";

  private static final int MAX_SEGMENT = 200;

  private FieldPaths() {}

  static String field(String parent, String name) {
    String segment = printable(name);
    return parent.isEmpty() ? segment : parent + "." + segment;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code "<path>: <reason>"}, with {@link #DOCUMENT} for the empty path. */
  static String problem(String path, String reason) {
    return (path.isEmpty() ? DOCUMENT : path) + ": " + reason;
  }

  /** The path of the value a streaming parser is at. */
  static String of(JsonStreamContext context) {
    Deque<JsonStreamContext> chain = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      chain.push(c);
    }
    String path = "";
    for (JsonStreamContext c : chain) {
      if (c.inArray()) {
        path = index(path, Math.max(c.getCurrentIndex(), 0));
      } else if (c.getCurrentName() != null) {
        path = field(path, c.getCurrentName());
      }
    }
    return path;
  }

  /** The path Jackson recorded on a binding failure. */
  static String of(List<JsonMappingException.Reference> references) {
    String path = "";
    for (JsonMappingException.Reference ref : references) {
      path = ref.getFieldName() != null ? field(path, ref.getFieldName())
          : ref.getIndex() >= 0 ? index(path, ref.getIndex()) : path;
    }
    return path;
  }

  /** Replaces control characters and cuts very long text, for names echoed in messages. */
  static String printable(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_SEGMENT + 1));
    for (int i = 0; i < text.length() && out.length() < MAX_SEGMENT; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > MAX_SEGMENT) {
      out.append('…');
    }
    return out.toString();
  }
}
