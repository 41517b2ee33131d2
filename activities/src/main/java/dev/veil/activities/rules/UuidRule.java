package dev.veil.activities.rules;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A keyed name-based UUID (version 5 layout, HMAC-SHA256 instead of SHA-1): the same input gives
 * the same UUID; 122 keyed bits keep distinct inputs distinct. Works on uuid and text columns.
 */
final class UuidRule extends RuleType {
  UuidRule() {
    super("uuid", "keyed version-5-style UUID (uuid or text columns)", Set.of());
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.UUID, PgKind.TEXT);
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  @Override
  public int maxLength(Map<String, String> params) {
    return 36;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("uuid");
    boolean binary = context.type().kind() == PgKind.UUID;
    return value -> {
      byte[] out = Arrays.copyOf(mac.hash(value), 16);
      out[6] = (byte) ((out[6] & 0x0f) | 0x50);
      out[8] = (byte) ((out[8] & 0x3f) | 0x80);
      if (binary) {
        return out;
      }
      ByteBuffer b = ByteBuffer.wrap(out);
      return Bytes.utf8(new UUID(b.getLong(), b.getLong()).toString());
    };
  }
}
